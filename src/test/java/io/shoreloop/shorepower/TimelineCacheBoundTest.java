package io.shoreloop.shorepower;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The cached timelines' total: as configured, but never more than 15 % of the heap. */
class TimelineCacheBoundTest {

    private static final long MIB = 1024L * 1024;

    @Test
    void aLargeHeapKeepsTheConfiguredTotal() {
        assertEquals(1_000_000, ShorePowerIngest.cacheTotalReadings(1_000_000, 8192 * MIB));
    }

    @Test
    void theContainersHeapBoundsItToFifteenPercent() {
        // k8s/: 768 MiB limit, heap 75 % of it = 576 MiB; 15 % of that at 192 bytes a reading
        long heap = 576 * MIB;
        assertEquals(heap / 100 * 15 / 192, ShorePowerIngest.cacheTotalReadings(1_000_000, heap));
        assertEquals(471_859, ShorePowerIngest.cacheTotalReadings(1_000_000, heap));
    }

    @Test
    void aSmallerConfiguredTotalIsKeptAndZeroTurnsTheCacheOff() {
        assertEquals(50_000, ShorePowerIngest.cacheTotalReadings(50_000, 1024 * MIB));
        assertEquals(0, ShorePowerIngest.cacheTotalReadings(0, 1024 * MIB));
    }
}
