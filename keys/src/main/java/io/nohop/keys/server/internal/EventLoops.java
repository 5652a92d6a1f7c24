package io.nohop.keys.server.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.AbstractEventExecutorGroup;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of NIO event loops handed out in turn: what Netty's {@code MultiThreadIoEventLoopGroup}
 * does, without its shared helper thread. That group learns of each loop's end through a listener on the
 * loop's termination future, and Netty runs such listeners on {@code globalEventExecutor}, a non-daemon
 * thread that lingers for a second after its last task: every close of a server then either left a thread
 * behind or waited a second for it. Nothing here listens: {@link #awaitTermination} waits on each loop
 * in turn, and the group's own termination future is completed there (or by a later
 * {@link #isTerminated}); no thread outlives it.
 */
final class EventLoops extends AbstractEventExecutorGroup implements IoEventLoopGroup {
    private final List<IoEventLoop> loops;
    private final AtomicInteger next = new AtomicInteger();
    private final Promise<Void> terminated = new DefaultPromise<>(ImmediateEventExecutor.INSTANCE);

    /**
     * @param threads how many loops (and daemon threads)
     * @param name the threads' name prefix
     */
    EventLoops(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
        IoEventLoop[] made = new IoEventLoop[threads];
        for (int i = 0; i < threads; i++) {
            made[i] = new SingleThreadIoEventLoop(this, factory, NioIoHandler.newFactory());
        }
        this.loops = List.of(made);
    }

    @Override
    public IoEventLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    @Override
    public Iterator<EventExecutor> iterator() {
        return List.<EventExecutor>copyOf(loops).iterator();
    }

    @Override
    @Deprecated
    public ChannelFuture register(Channel channel, ChannelPromise promise) {
        return next().register(channel, promise);
    }

    @Override
    public boolean isShuttingDown() {
        return loops.stream().allMatch(EventExecutor::isShuttingDown);
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        for (IoEventLoop loop : loops) {
            loop.shutdownGracefully(quietPeriod, timeout, unit);
        }
        return terminated;
    }

    @Override
    public Future<?> terminationFuture() {
        return terminated;
    }

    @Override
    @Deprecated
    public void shutdown() {
        shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean isShutdown() {
        return loops.stream().allMatch(EventExecutor::isShutdown);
    }

    @Override
    public boolean isTerminated() {
        boolean all = loops.stream().allMatch(EventExecutor::isTerminated);
        if (all) {
            terminated.trySuccess(null);
        }
        return all;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (IoEventLoop loop : loops) {
            long left = deadline - System.nanoTime();
            // Waiting adds a waiter, not a listener: nothing runs on Netty's helper thread.
            if (left <= 0 || !loop.terminationFuture().await(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return isTerminated();
    }
}
