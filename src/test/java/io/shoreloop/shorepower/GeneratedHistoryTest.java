package io.shoreloop.shorepower;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The generator behind the properties really produces the faults they are about. */
class GeneratedHistoryTest {

    @Test
    void overManySeedsEveryKindOfFaultAndDeliveryOccurs() {
        Set<QualityFlag> seen = EnumSet.noneOf(QualityFlag.class);
        Set<GeneratedHistory.Kind> kinds = EnumSet.noneOf(GeneratedHistory.Kind.class);
        int sessions = 0;
        int lateBatches = 0;
        int duplicates = 0;
        int lateDepartures = 0;
        for (long seed = 0; seed < 300; seed++) {
            GeneratedHistory h = GeneratedHistory.of(seed);
            kinds.add(h.kind);
            MeterTimeline t = MeterTimeline.start(h.profile, h.rules);
            for (int i = 0; i <= h.batches.size(); i++) {
                if (h.departuresBefore.get(i) != null
                        && !t.replaceDepartures(h.departuresBefore.get(i)).touchesNoSession()) {
                    lateDepartures++; // recorded (or corrected) after readings across it had come
                }
                if (i == h.batches.size()) {
                    break;
                }
                var batch = h.batches.get(i);
                var before = t.lastReadingAt();
                if (before.isPresent() && batch.stream().anyMatch(r -> r.ts().isBefore(before.get()))) {
                    lateBatches++;
                }
                duplicates += t.accept(batch).duplicates();
            }
            t.steps().forEach(s -> seen.addAll(s.flags()));
            t.sessions().forEach(s -> seen.addAll(s.flags()));
            sessions += t.sessions().size();
        }
        assertTrue(
                seen.containsAll(EnumSet.of(
                        QualityFlag.RESET,
                        QualityFlag.ROLLOVER,
                        QualityFlag.IMPLAUSIBLE_JUMP,
                        QualityFlag.GAP,
                        QualityFlag.INTERRUPTED,
                        QualityFlag.CLOSED_AT_DEPARTURE,
                        QualityFlag.VESSEL_CONFLICT)),
                () -> "seen " + seen);
        assertTrue(kinds.size() == GeneratedHistory.Kind.values().length);
        assertTrue(sessions > 1_000, "sessions " + sessions);
        assertTrue(lateBatches > 100, "late batches " + lateBatches);
        assertTrue(duplicates > 100, "duplicates " + duplicates);
        assertTrue(lateDepartures > 50, "departures that re-derived sessions " + lateDepartures);
    }
}
