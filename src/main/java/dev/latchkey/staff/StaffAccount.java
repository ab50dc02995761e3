package dev.latchkey.staff;

/** A staff row with what only the login needs: the password hash. */
record StaffAccount(String tenantId, Staff staff, String passwordHash) {
}
