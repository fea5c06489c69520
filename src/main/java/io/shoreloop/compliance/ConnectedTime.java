package io.shoreloop.compliance;

import java.util.List;
import java.util.UUID;

/**
 * Integration point with shore-power ingestion: the connections (sessions matched to a call) the shore-power duty
 * judges. The default implementation, {@link SessionTable}, reads the {@code shore_session} table when the
 * shore-power migration has created it; another bean may replace it. When matches change, fire
 * {@link io.shoreloop.shorepower.SessionsMatched} so the calls are recomputed.
 */
public interface ConnectedTime {

    /** The connections matched to the call, in any order; empty when none (or when no session store exists). */
    List<ShorePowerDuty.Connection> of(UUID callId);
}
