package dev.usermq.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback ports. */
public final class Ports {

  private Ports() {}

  public static int free() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until something accepts connections on the port. */
  public static void awaitListening(int port, int seconds) {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        Procs.sleep(200);
      }
    }
    throw new IllegalStateException(
        "nothing listens on 127.0.0.1:" + port + " after " + seconds + " s");
  }

  /** Waits until nothing accepts connections on the port any more. */
  public static void awaitClosed(int port, int seconds) {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        Procs.sleep(200);
      } catch (IOException e) {
        return;
      }
    }
    throw new IllegalStateException("127.0.0.1:" + port + " still open after " + seconds + " s");
  }
}
