package io.mongoditto.localmongo;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.wire.MongoDatabaseHandler;
import de.bwaldvogel.mongo.wire.message.ClientRequest;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.group.ChannelGroup;
import java.util.concurrent.Executor;

/**
 * mongo-java-server's request handler, run on a worker pool instead of the Netty event loop. A
 * change stream's getMore blocks while it waits for events; on the event loop that would stall
 * every other connection sharing the loop thread. MongoDB's protocol has one request in flight per
 * connection, so handing requests off keeps each connection's replies in order, and Netty makes the
 * reply's write from another thread safe.
 */
final class RequestOffloadingHandler extends MongoDatabaseHandler {

  private final Executor executor;

  RequestOffloadingHandler(MongoBackend backend, ChannelGroup channels, Executor executor) {
    super(backend, channels);
    this.executor = executor;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ClientRequest request) {
    executor.execute(
        () -> {
          try {
            super.channelRead0(ctx, request);
          } catch (RuntimeException e) {
            ctx.fireExceptionCaught(e);
          }
        });
  }
}
