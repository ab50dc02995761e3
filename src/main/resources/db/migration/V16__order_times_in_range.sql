-- Before placed_at was checked strictly, an offset could carry an order past the end of year 9999 in UTC (or before
-- year 0001). Paging cursors and the export hold only years 0001 to 9999, so such an order broke its customer's order
-- pages. It is moved to the nearest time a cursor can hold; no order the service accepts today is touched.
UPDATE orders SET placed_at = TIMESTAMP WITH TIME ZONE '9999-12-31 23:59:59.999+00:00'
    WHERE placed_at > TIMESTAMP WITH TIME ZONE '9999-12-31 23:59:59.999+00:00';
UPDATE orders SET placed_at = TIMESTAMP WITH TIME ZONE '0001-01-01 00:00:00+00:00'
    WHERE placed_at < TIMESTAMP WITH TIME ZONE '0001-01-01 00:00:00+00:00';
