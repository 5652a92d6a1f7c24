package io.nohop.examples.fleet;

import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A discrete-event scheduler in virtual time, in the style of core's test {@code FakeScheduler}: tasks
 * wait with their due instant until {@link #runUntil} moves the {@link VirtualClock} forward, then run on
 * the caller's thread in due order (ties in submission order), with the clock set to their due instant.
 *
 * <p>Built for a fleet of 100,000 key caches, each keeping two or three timers armed, which is what makes
 * a simulated day cost seconds rather than minutes: due instants are whole milliseconds (core computes
 * every delay in milliseconds; a finer one is rounded up) and sit in a wheel of one slot per millisecond
 * over the next {@value #WHEEL_BITS}-bit span (about 17 minutes), so scheduling a task touches one slot
 * and running it touches the task, never a heap's log(n) others; a bitmap of the slots in use lets the
 * clock jump over empty milliseconds. Timers due later (retry backoff up to an hour, the staleness bound)
 * wait in a heap and move into the wheel as time approaches them. A cancelled task stays in its slot and
 * is skipped when its time comes.
 */
final class VirtualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private static final int WHEEL_BITS = 20;
    private static final long WHEEL_SPAN = 1L << WHEEL_BITS;
    private static final int MASK = (int) WHEEL_SPAN - 1;

    private final VirtualClock clock;
    // Per slot, the tasks due then, newest first (reversed into submission order when the slot runs).
    private final Task[] slots = new Task[(int) WHEEL_SPAN];
    private final long[] occupied = new long[(int) (WHEEL_SPAN / 64)];
    // Bit w set iff occupied[w] != 0: finding the next task costs a scan of 256 words at worst, not
    // 16,384 (a sparse wheel, such as a small fleet's, would otherwise spend its time scanning).
    private final long[] occupiedWords = new long[occupied.length / 64];
    private final PriorityQueue<Task> later =
            new PriorityQueue<>(Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.seq));
    private long seq;
    private long ran;
    // Cancelled tasks still in `later`. Core re-arms its staleness timer (hours ahead) at every poll, so
    // without a purge the heap would hold one dead task per poll of the day: 30 million at 100,000
    // verifiers. Rebuilt without them once they are half of it (linear, so amortised O(1) per cancel).
    private long cancelledLater;

    VirtualScheduler(VirtualClock clock) {
        this.clock = clock;
    }

    /** @return the tasks run so far (cancelled ones not counted) */
    long tasksRun() {
        return ran;
    }

    /**
     * Runs every task due up to and including {@code endMillis}, including what those tasks schedule
     * within the span, then leaves the clock at {@code endMillis}.
     *
     * @param endMillis epoch millis
     */
    void runUntil(long endMillis) {
        long t = clock.millis();
        while (t <= endMillis) {
            long nextSlot = nextOccupied(t);
            long nextMove = later.isEmpty() ? Long.MAX_VALUE : later.peek().due - WHEEL_SPAN + 1;
            long next = Math.min(Math.min(nextSlot, nextMove), endMillis + 1);
            if (next > endMillis) {
                break;
            }
            t = Math.max(t, next);
            clock.set(t);
            // Older than anything in the slot they join: moved in before that slot runs.
            while (!later.isEmpty() && later.peek().due < t + WHEEL_SPAN) {
                Task moved = later.poll();
                moved.inLater = false;
                if (moved.cancelled) {
                    cancelledLater--;
                } else {
                    insert(moved);
                }
            }
            if (nextSlot == t) {
                runSlot(t);
                t++;
            }
        }
        clock.set(endMillis);
    }

    private void runSlot(long t) {
        int slot = (int) (t & MASK);
        // Tasks that schedule work for this same millisecond land in the emptied slot: run them too.
        while (slots[slot] != null) {
            Task newestFirst = slots[slot];
            slots[slot] = null;
            int word = slot >>> 6;
            occupied[word] &= ~(1L << slot);
            if (occupied[word] == 0) {
                occupiedWords[word >>> 6] &= ~(1L << word);
            }
            Task task = reverse(newestFirst);
            while (task != null) {
                Task next = task.next;
                task.next = null;
                if (!task.cancelled) {
                    task.done = true;
                    ran++;
                    task.body.run();
                }
                task = next;
            }
        }
    }

    private static Task reverse(Task head) {
        Task reversed = null;
        while (head != null) {
            Task next = head.next;
            head.next = reversed;
            reversed = head;
            head = next;
        }
        return reversed;
    }

    // The earliest instant >= t whose slot holds a task, or Long.MAX_VALUE. The wheel holds only tasks
    // due in [t, t + span), so the first slot in use, going round from t's slot, is the earliest.
    private long nextOccupied(long t) {
        int start = (int) (t & MASK);
        int word = start >>> 6;
        long bits = occupied[word] & (-1L << start);
        if (bits != 0) {
            return t + ((word << 6) + Long.numberOfTrailingZeros(bits) - start);
        }
        int next = firstWordInUse(word + 1, occupied.length);
        if (next < 0) {
            // Round the wheel: the words before t's, then the slots of t's own word before t's slot.
            next = firstWordInUse(0, word + 1);
        }
        if (next < 0) {
            return Long.MAX_VALUE;
        }
        int slot = (next << 6) + Long.numberOfTrailingZeros(occupied[next]);
        return t + ((slot - start) & MASK);
    }

    // The first word index in [from, to) whose word holds a task, or -1.
    private int firstWordInUse(int from, int to) {
        for (int w = from; w < to; ) {
            long bits = occupiedWords[w >>> 6] & (-1L << w);
            if (bits != 0) {
                int found = ((w >>> 6) << 6) + Long.numberOfTrailingZeros(bits);
                return found < to ? found : -1;
            }
            w = ((w >>> 6) + 1) << 6;
        }
        return -1;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        long now = clock.millis();
        long delayMillis = ceilMillis(unit.toNanos(Math.max(0, delay)));
        Task task = new Task(delayMillis >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + delayMillis, seq++,
                command);
        if (task.due - now < WHEEL_SPAN) {
            insert(task);
        } else {
            task.inLater = true;
            later.add(task);
        }
        return task;
    }

    private void purgeLater() {
        if (cancelledLater > 1024 && cancelledLater * 2 > later.size()) {
            later.removeIf(t -> t.cancelled);
            cancelledLater = 0;
        }
    }

    private void insert(Task task) {
        int slot = (int) (task.due & MASK);
        task.next = slots[slot];
        slots[slot] = task;
        occupied[slot >>> 6] |= 1L << slot;
        occupiedWords[slot >>> 12] |= 1L << (slot >>> 6);
    }

    private static long ceilMillis(long nanos) {
        return nanos / 1_000_000 + (nanos % 1_000_000 == 0 ? 0 : 1);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by nohop");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by nohop");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by nohop");
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public void shutdown() {
        throw new RejectedExecutionException("the simulation owns this scheduler");
    }

    @Override
    public List<Runnable> shutdownNow() {
        throw new RejectedExecutionException("the simulation owns this scheduler");
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return false;
    }

    private final class Task implements ScheduledFuture<Object> {
        final long due;
        final long seq;
        final Runnable body;
        Task next;
        boolean cancelled;
        boolean done;
        boolean inLater;

        Task(long due, long seq, Runnable body) {
            this.due = due;
            this.seq = seq;
            this.body = body;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - clock.millis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.MILLISECONDS), other.getDelay(TimeUnit.MILLISECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done || cancelled) {
                return false;
            }
            cancelled = true;
            if (inLater) {
                cancelledLater++;
                purgeLater();
            }
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            if (!isDone()) {
                throw new IllegalStateException("virtual tasks run only when the simulation advances time");
            }
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return get();
        }
    }
}
