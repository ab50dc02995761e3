package dev.latchkey.testing;

/** Base of HTTP tests: the shared real server and its client. */
public abstract class ApiTest {
    protected final TestServer server = TestServer.shared();
    protected final Api api = server.api;
}
