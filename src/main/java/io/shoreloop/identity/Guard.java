package io.shoreloop.identity;

import io.micrometer.core.instrument.MeterRegistry;
import io.shoreloop.platform.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Applies the {@link AccessPolicy} for services: allows, or throws the answer the policy chose (404 for an object
 * the actor may not see, 403 for a visible one it may not change) and logs the refusal.
 */
@ApplicationScoped
public class Guard {

    private static final Logger LOG = Logger.getLogger("io.shoreloop.access");

    private final MeterRegistry metrics;

    public Guard(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    /**
     * @param what how the object is named in the answer ("Vessel 1b2c…")
     */
    public void require(Actor actor, Action action, Guarded object, String what) {
        AccessPolicy.Decision decision = AccessPolicy.decide(actor, action, object);
        if (decision == AccessPolicy.Decision.ALLOW) {
            return;
        }
        LOG.infof(
                "access refused (%s): user=%s role=%s party=%s action=%s object=%s",
                decision, actor.subject(), actor.role().claim(), actor.partyId(), action, object);
        metrics.counter("shoreloop_access_refused_total", "action", action.name(), "decision", decision.name())
                .increment();
        if (decision == AccessPolicy.Decision.HIDDEN) {
            throw new Problems.NotFound(what);
        }
        throw new Problems.ActionForbidden("Your role or party may not "
                + action.name().toLowerCase().replace('_', ' ') + " this " + what.split(" ")[0].toLowerCase());
    }

    /** Like {@link #require} but answers instead of throwing (for filtering). */
    public boolean permits(Actor actor, Action action, Guarded object) {
        return AccessPolicy.permits(actor, action, object);
    }
}
