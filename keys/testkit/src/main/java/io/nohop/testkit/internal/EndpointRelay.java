package io.nohop.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kit's stable loopback address in front of the real {@code JwksServer}: a byte-for-byte TCP
 * relay, so that every header (ETag, Cache-Control, the verifier's User-Agent and instance name) passes
 * untouched, that can stop listening and listen again on the same port, and that can hold each
 * response back by a delay.
 *
 * <p>Why TCP and not an HTTP proxy: the verifier keeps its connection alive between refreshes, so a
 * delay has to apply to every response on a connection, and an HTTP proxy would have to re-create
 * headers it does not understand. Here the relay notes when request bytes arrive from the client
 * and releases the server's answer no earlier than that instant plus the delay.
 *
 * <p>Threads: one accepting thread while listening, two per open connection, all daemon threads of
 * one pool that {@link #close()} stops and waits for.
 */
public final class EndpointRelay implements AutoCloseable {
    private static final int BUFFER_BYTES = 8192;
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

    private final InetSocketAddress address;
    private final ExecutorService threads;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    // Tasks running on the pool (accept loops and pumps), so that stop() can wait for them: the JDK
    // closes a socket's descriptor only once no thread is blocked on it any more, so until then the
    // port still accepts connections and cannot be bound again.
    private final Object tasksLock = new Object();
    private int runningTasks;
    private volatile InetSocketAddress target;
    private volatile long delayNanos;
    private ServerSocket listener;
    private boolean closed;

    private EndpointRelay(ServerSocket listener, ExecutorService threads) {
        this.listener = listener;
        this.threads = threads;
        this.address = (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /**
     * Binds the relay; it accepts connections at once but has nowhere to send them until
     * {@link #target(InetSocketAddress)} is set (until then connections are closed at once).
     *
     * @param bindAddress where to listen; port 0 for any free port
     * @return the listening relay
     * @throws IOException if the address cannot be bound
     */
    public static EndpointRelay listen(InetSocketAddress bindAddress) throws IOException {
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "nohop-testkit-relay-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ServerSocket listener;
        try {
            listener = bind(bindAddress);
        } catch (IOException e) {
            threads.shutdownNow();
            throw e;
        }
        EndpointRelay relay = new EndpointRelay(listener, threads);
        relay.run(() -> relay.accept(listener));
        return relay;
    }

    private static ServerSocket bind(InetSocketAddress address) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            // The same port is bound again after stop(): connections of the previous listener may
            // still be in TIME_WAIT.
            socket.setReuseAddress(true);
            socket.bind(address, 64);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * The address the relay listens on (the same after every {@link #start()}).
     *
     * @return the bound address
     */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * Sets where connections go.
     *
     * @param target the real endpoint
     */
    public void target(InetSocketAddress target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /**
     * Sets how long each response is held back, counted from the arrival of the request; applies to
     * requests that arrive from now on.
     *
     * @param delay zero for none
     */
    public void delay(Duration delay) {
        this.delayNanos = delay.toNanos();
    }

    /**
     * Whether the relay is listening.
     *
     * @return true between {@link #start()} and {@link #stop()}
     */
    public synchronized boolean isListening() {
        return listener != null;
    }

    /**
     * Stops listening and cuts every open connection, and returns once the relay's threads have let go
     * of them (up to 5 s): from then on connections are refused, as when a server process is gone.
     * Does nothing when already stopped.
     */
    public synchronized void stop() {
        if (listener == null) {
            return;
        }
        closeQuietly(listener);
        listener = null;
        for (Connection c : connections) {
            c.close();
        }
        awaitTasksEnded(Duration.ofSeconds(5));
    }

    private void run(Runnable task) {
        synchronized (tasksLock) {
            runningTasks++;
        }
        try {
            threads.execute(() -> {
                try {
                    task.run();
                } finally {
                    taskEnded();
                }
            });
        } catch (RuntimeException e) {
            taskEnded(); // the pool is shutting down
            throw e;
        }
    }

    private void taskEnded() {
        synchronized (tasksLock) {
            runningTasks--;
            tasksLock.notifyAll();
        }
    }

    private void awaitTasksEnded(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (tasksLock) {
            long left = limit.toNanos();
            while (runningTasks > 0 && left > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(tasksLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                left = deadline - System.nanoTime();
            }
        }
    }

    /**
     * Listens again on the same address. Does nothing when already listening.
     *
     * @throws IOException if the port has been taken by someone else in the meantime
     * @throws IllegalStateException after {@link #close()}
     */
    public synchronized void start() throws IOException {
        if (closed) {
            throw new IllegalStateException("the relay is closed");
        }
        if (listener != null) {
            return;
        }
        ServerSocket socket = bind(address);
        listener = socket;
        run(() -> accept(socket));
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // closed by stop() or close()
            }
            Connection connection = new Connection(client);
            connections.add(connection);
            if (socket.isClosed()) {
                connection.close(); // accepted while stop() was cutting the others
                return;
            }
            try {
                run(connection::open);
            } catch (RuntimeException e) {
                connection.close(); // the pool is shutting down
            }
        }
    }

    /** Stops listening, cuts every connection, and waits (up to 5 s) for the relay's threads to end. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            stop();
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Closing is best effort: the socket is gone either way.
        }
    }

    /** One client connection and its connection to the real endpoint. */
    private final class Connection {
        private final Socket client;
        private Socket server;
        private long releaseAtNanos;
        private boolean ended;

        Connection(Socket client) {
            this.client = client;
        }

        void open() {
            InetSocketAddress to = target;
            Socket upstream = new Socket();
            try {
                if (to == null) {
                    throw new IOException("no target yet");
                }
                upstream.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                upstream.connect(to, CONNECT_TIMEOUT_MILLIS);
            } catch (IOException e) {
                closeQuietly(upstream);
                close();
                return;
            }
            synchronized (this) {
                if (ended) {
                    closeQuietly(upstream);
                    return;
                }
                server = upstream;
            }
            try {
                run(this::responses);
            } catch (RuntimeException e) {
                close();
                return;
            }
            requests();
        }

        /** Client to server: every read marks when the answer may leave at the earliest. */
        private void requests() {
            byte[] buffer = new byte[BUFFER_BYTES];
            try (InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (this) {
                        releaseAtNanos = System.nanoTime() + delayNanos;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // The client went away or stop() cut the connection.
            } finally {
                close();
            }
        }

        /** Server to client: each chunk waits until the request it answers has been held long enough. */
        private void responses() {
            byte[] buffer = new byte[BUFFER_BYTES];
            try (InputStream in = server.getInputStream(); OutputStream out = client.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!holdUntilRelease()) {
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // Either side closed.
            } finally {
                close();
            }
        }

        /** Waits (interruptibly, and cut short by close) until the current release time; false when closed. */
        private synchronized boolean holdUntilRelease() {
            long remaining = releaseAtNanos - System.nanoTime();
            while (remaining > 0 && !ended) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                remaining = releaseAtNanos - System.nanoTime();
            }
            return !ended;
        }

        void close() {
            Socket upstream;
            synchronized (this) {
                ended = true;
                upstream = server;
                notifyAll();
            }
            closeQuietly(client);
            if (upstream != null) {
                closeQuietly(upstream);
            }
            connections.remove(this);
        }
    }

    @Override
    public String toString() {
        return "EndpointRelay[" + address + (isListening() ? ", listening" : ", stopped") + "]";
    }
}
