package io.ailurus.chaos.cluster;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A TCP listener to run inside a namespace: accepts and closes connections until killed. */
public final class ProbeServer {

    private ProbeServer() {
    }

    public static void main(final String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(Integer.parseInt(args[1]), 50, InetAddress.getByName(args[0]))) {
            System.out.println("listening");
            while (true) {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write('x');
                }
            }
        }
    }
}
