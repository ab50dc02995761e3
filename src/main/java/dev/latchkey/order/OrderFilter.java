package dev.latchkey.order;

/** Which orders a listing shows: of one customer, placed with one address, in one status; each applies when not null. */
record OrderFilter(String customerId, String email, OrderStatus status) {
    static OrderFilter ofCustomer(String customerId) {
        return new OrderFilter(customerId, null, null);
    }
}
