package io.shoreloop.registry;

import java.util.UUID;

/**
 * Past-tense event: a vessel's or a berth's master data (type, crew capacity, tanks, shore-power equipment, terminal
 * kind, active) was changed, fired inside the changing transaction. What judged a call with the old data may judge it
 * differently now.
 */
public record MasterDataChanged(Kind kind, UUID id) {

    public enum Kind {
        VESSEL,
        BERTH
    }
}
