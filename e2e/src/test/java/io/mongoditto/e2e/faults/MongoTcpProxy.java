package io.mongoditto.e2e.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of the local MongoDB: the worker's driver connects here. {@link #cut()}
 * closes every open connection at once (what a failover, a NAT timeout or a network blip does to a
 * driver); {@link #refuse(boolean)} keeps new connections from getting through while it is on.
 */
final class MongoTcpProxy implements AutoCloseable {

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean refusing = new AtomicBoolean();
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile long replyDelayMillis;
  private volatile boolean closed;

  MongoTcpProxy(int targetPort) {
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    Thread acceptor = new Thread(this::accept, "mongo-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Sockets open through the proxy now (two per driver connection: client and upstream). */
  int openSockets() {
    return open.size();
  }

  /** Closes every connection through the proxy; returns how many were cut. */
  int cut() {
    int n = 0;
    for (Socket s : open) {
      closeQuietly(s);
      open.remove(s);
      n++;
    }
    cuts.incrementAndGet();
    return n;
  }

  /** Connections refused so far (while {@link #refuse(boolean)} was on). */
  int refused() {
    return refused.get();
  }

  /** While on, new connections are accepted and closed at once (connection reset). */
  void refuse(boolean on) {
    refusing.set(on);
  }

  /**
   * Holds every chunk MongoDB sends back for {@code millis} before passing it on (0: none): a slow
   * network, which stretches a copy so a fault can land inside it.
   */
  void delayReplies(long millis) {
    replyDelayMillis = millis;
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        if (refusing.get()) {
          refused.incrementAndGet();
          closeQuietly(client);
          continue;
        }
        Socket upstream = new Socket();
        upstream.connect(target, 5_000);
        open.add(client);
        open.add(upstream);
        pump(client, upstream, false);
        pump(upstream, client, true);
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to, boolean replies) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[64 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                  long delay = replies ? replyDelayMillis : 0;
                  if (delay > 0) {
                    Pause.millis(delay);
                  }
                  out.write(buf, 0, n);
                }
              } catch (IOException ignored) {
                // cut or closed: the other direction notices and ends too
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "mongo-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    cut();
  }
}
