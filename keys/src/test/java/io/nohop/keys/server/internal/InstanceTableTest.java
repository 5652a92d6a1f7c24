package io.nohop.keys.server.internal;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstanceTableTest {

    private static List<String> names(InstanceTable table) {
        return table.polledSince(Long.MIN_VALUE).stream().map(InstanceTable.Row::name).toList();
    }

    @Test
    void record_beyondCapacity_evictsLeastRecentlyPolled() {
        InstanceTable table = new InstanceTable(3);
        for (int i = 0; i < 5; i++) {
            table.record("i" + i, true, 1000 + i, InstanceTable.PRESENTED_NONE, 1);
        }
        assertEquals(List.of("i2", "i3", "i4"), names(table));
    }

    @Test
    void record_repoll_movesInstanceToNewestSoItSurvivesEviction() {
        InstanceTable table = new InstanceTable(2);
        table.record("a", true, 1, InstanceTable.PRESENTED_NONE, 1);
        table.record("b", true, 2, InstanceTable.PRESENTED_NONE, 1);
        table.record("a", true, 3, 1, 1);
        table.record("c", true, 4, InstanceTable.PRESENTED_NONE, 1);
        assertEquals(List.of("a", "c"), names(table));
    }

    @Test
    void record_secondPoll_keepsIntervalPresentedAndSent() {
        InstanceTable table = new InstanceTable(10);
        table.record("a", true, 1_000, InstanceTable.PRESENTED_NONE, 1);
        table.record("a", true, 301_000, 1, 2);
        InstanceTable.Row row = table.polledSince(0).get(0);
        assertEquals(300_000, row.pollIntervalMillis());
        assertEquals(1, row.presentedGeneration());
        assertEquals(2, row.sentGeneration());
    }

    @Test
    void madeUpNamesFlood_tableStaysAtCapacity() {
        InstanceTable table = new InstanceTable(1000);
        for (int i = 0; i < 200_000; i++) {
            table.record(InstanceTable.nameOf("made-up-" + i + "x".repeat(500), "10.0.0.1", null), true, i,
                    InstanceTable.PRESENTED_UNKNOWN, 1);
        }
        assertEquals(1000, table.size());
    }

    /**
     * The table keeps exactly what a {@link LinkedHashMap} in access order with the same bound keeps, in the
     * same order, whatever the sequence of polls (its log of polls replaced that map; issue 11).
     */
    @Property(tries = 300)
    void record_anyPolls_sameEntriesAndOrderAsAccessOrderedMap(
            @ForAll @Size(max = 400) List<@IntRange(min = 0, max = 12) Integer> polls,
            @ForAll @IntRange(min = 1, max = 8) int capacity) {
        InstanceTable table = new InstanceTable(capacity);
        Map<String, Long> model = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > capacity;
            }
        };
        long now = 0;
        for (int who : polls) {
            String name = "i" + who;
            now++;
            table.record(name, true, now, InstanceTable.PRESENTED_NONE, 1);
            model.get(name);
            model.put(name, now);
        }
        assertEquals(List.copyOf(model.keySet()), names(table));
        assertEquals(model.size(), table.size());
    }

    /**
     * Handing back the entry {@code record} returned records the same table as recording by name, whatever the
     * polls: the same rows (interval, presented and sent included) in the same order, evictions included. Each
     * instance keeps the entry it was last given, as the fleet simulation's verifiers do, so evicted entries are
     * handed back too.
     */
    @Property(tries = 300)
    void recordAgain_anyPolls_sameRowsAsRecordByName(
            @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 12) Integer> polls,
            @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 4) Integer> generations,
            @ForAll @IntRange(min = 1, max = 8) int capacity) {
        InstanceTable byName = new InstanceTable(capacity);
        InstanceTable byEntry = new InstanceTable(capacity);
        Map<String, InstanceTable.Entry> held = new java.util.HashMap<>();
        long now = 0;
        for (int i = 0; i < polls.size(); i++) {
            String name = "i" + polls.get(i);
            now += 1 + i % 3;
            long presented = i % 2 == 0 ? InstanceTable.PRESENTED_NONE : i % 5;
            long sent = generations.isEmpty() ? 1 : generations.get(i % generations.size());
            byName.record(name, true, now, presented, sent);
            InstanceTable.Entry known = held.get(name);
            held.put(name, known == null ? byEntry.record(name, true, now, presented, sent)
                    : byEntry.recordAgain(known, now, presented, sent));
        }
        assertEquals(byName.polledSince(Long.MIN_VALUE), byEntry.polledSince(Long.MIN_VALUE));
        assertEquals(byName.size(), byEntry.size());
    }

    @Test
    void recordAgain_evictedEntry_recordedAsNewInstance() {
        InstanceTable table = new InstanceTable(1);
        InstanceTable.Entry a = table.record("a", true, 1, InstanceTable.PRESENTED_NONE, 1);
        table.record("b", true, 2, InstanceTable.PRESENTED_NONE, 1);
        table.recordAgain(a, 3, 1, 1);
        InstanceTable.Row row = table.polledSince(0).get(0);
        assertEquals(List.of("a"), names(table));
        assertEquals(-1, row.pollIntervalMillis());
    }

    @Test
    void recordAgain_entryOfAnotherTable_recordedByNameInThisOne() {
        InstanceTable other = new InstanceTable(10);
        InstanceTable table = new InstanceTable(10);
        InstanceTable.Entry foreign = other.record("a", true, 1, InstanceTable.PRESENTED_NONE, 1);
        table.record("a", true, 5, InstanceTable.PRESENTED_NONE, 1);
        table.recordAgain(foreign, 9, 1, 2);
        InstanceTable.Row row = table.polledSince(0).get(0);
        assertEquals(4, row.pollIntervalMillis());
        assertEquals(2, row.sentGeneration());
        assertEquals(1, other.polledSince(0).get(0).lastPollMillis());
    }

    @Test
    void record_manyPollsOfFewInstances_logStaysWithinFourTimesTheEntries() {
        InstanceTable table = new InstanceTable(100);
        for (int i = 0; i < 1_000_000; i++) {
            table.record("i" + (i % 50), true, i, InstanceTable.PRESENTED_NONE, 1);
        }
        assertEquals(50, table.size());
        assertTrue(table.logLength() <= 4 * 50 + 16, "log length " + table.logLength());
    }

    /**
     * The metrics scrape counts in the table what the census behind {@code GET /status} counts from its copies:
     * the same three numbers for any polls, window and current generation (the scrape stopped copying; issue 11).
     */
    @Property(tries = 300)
    void pollersBySet_anyPolls_countsWhatTheCopiedCensusCounts(
            @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 20) Integer> polls,
            @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 4) Integer> generations,
            @ForAll @IntRange(min = 1, max = 12) int capacity,
            @ForAll @IntRange(min = 0, max = 320) int since,
            @ForAll @IntRange(min = 0, max = 5) int current) {
        InstanceTable table = new InstanceTable(capacity);
        long now = 0;
        for (int i = 0; i < polls.size(); i++) {
            now++;
            long sent = generations.isEmpty() ? 1 : generations.get(i % generations.size());
            table.record("i" + polls.get(i), true, now, InstanceTable.PRESENTED_NONE, sent);
        }
        long[] copied = new long[3];
        for (InstanceTable.Row r : table.polledSince(since)) {
            copied[InstanceTable.setIndex(current, r.sentGeneration())]++;
        }
        assertEquals(List.of(copied[0], copied[1], copied[2]),
                java.util.Arrays.stream(table.pollersBySet(since, current)).boxed().toList());
    }

    @Test
    void setIndex_currentPreviousOlder() {
        assertEquals(0, InstanceTable.setIndex(3, 3));
        assertEquals(0, InstanceTable.setIndex(3, 4));
        assertEquals(1, InstanceTable.setIndex(3, 2));
        assertEquals(2, InstanceTable.setIndex(3, 1));
    }

    @Test
    void polledSince_leavesOutOlderPolls() {
        InstanceTable table = new InstanceTable(10);
        table.record("old", true, 100, InstanceTable.PRESENTED_NONE, 1);
        table.record("new", true, 200, InstanceTable.PRESENTED_NONE, 1);
        assertEquals(List.of("new"), table.polledSince(150).stream().map(InstanceTable.Row::name).toList());
    }

    @Test
    void nameOf_noInstanceHeader_keyedByAddressAndUserAgent() {
        assertEquals("10.1.2.3 Java-http-client/17", InstanceTable.nameOf(null, "10.1.2.3", "Java-http-client/17"));
        assertEquals("10.1.2.3 -", InstanceTable.nameOf("  ", "10.1.2.3", null));
    }

    @Property
    void nameOf_anyText_cappedPrintableAscii(@ForAll String instance, @ForAll String userAgent) {
        for (String name : new String[] {InstanceTable.nameOf(instance, "127.0.0.1", userAgent),
            InstanceTable.nameOf(null, "127.0.0.1", userAgent)}) {
            assertTrue(name.length() <= InstanceTable.MAX_NAME_LENGTH, name);
            assertFalse(name.chars().anyMatch(c -> c < 0x20 || c > 0x7e), name);
        }
    }
}
