package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.wire.MongoExceptionHandler;
import de.bwaldvogel.mongo.wire.MongoWireMessageEncoder;
import de.bwaldvogel.mongo.wire.MongoWireProtocolHandler;
import de.bwaldvogel.mongo.wire.MongoWireReplyEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The TCP side: mongo-java-server's public wire handlers in a Netty bootstrap of our own, so that
 * requests run on a worker pool ({@link RequestOffloadingHandler}) and a waiting change stream
 * never blocks other clients. Replaces {@code MongoServer.bind}, whose pipeline is fixed.
 */
final class WireServer implements AutoCloseable {

  private final MongoBackend backend;
  private final EventLoopGroup boss =
      new NioEventLoopGroup(1, new DefaultThreadFactory("local-mongo-boss", true));
  private final EventLoopGroup io =
      new NioEventLoopGroup(0, new DefaultThreadFactory("local-mongo-io", true));
  private final ExecutorService requests =
      Executors.newCachedThreadPool(new DefaultThreadFactory("local-mongo-request", true));
  private final ChannelGroup channels =
      new DefaultChannelGroup("local-mongo", GlobalEventExecutor.INSTANCE);
  private Channel serverChannel;

  WireServer(MongoBackend backend) {
    this.backend = backend;
  }

  InetSocketAddress bind(String host, int port) {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, io)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 128)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new MongoWireReplyEncoder());
                    ch.pipeline().addLast(new MongoWireMessageEncoder());
                    ch.pipeline().addLast(new MongoWireProtocolHandler());
                    ch.pipeline()
                        .addLast(new RequestOffloadingHandler(backend, channels, requests));
                    ch.pipeline().addLast(new MongoExceptionHandler());
                  }
                });
    try {
      serverChannel =
          bootstrap.bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    return (InetSocketAddress) serverChannel.localAddress();
  }

  @Override
  public void close() {
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
    channels.close().syncUninterruptibly();
    requests.shutdownNow();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    backend.close();
  }
}
