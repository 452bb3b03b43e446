package dev.jns.junit;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertTrue;

// The README's "Isolated network tests with JUnit" example, as it appears there.
@IsolatedNetwork                       // each test: its own network namespace, lo up
class ReadmeExampleTest {
    @Test void port8080IsMine() throws Exception {
        try (var server = new ServerSocket(8080); var client = new Socket("127.0.0.1", 8080)) {
            assertTrue(client.isConnected());
        }
    }
}
