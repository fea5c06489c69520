package io.shoreloop.ledger;

import io.quarkus.security.Authenticated;
import io.shoreloop.identity.CurrentActor;
import io.shoreloop.identity.Role;
import io.shoreloop.platform.Problems;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/v1/ledger/verify}: recomputes every chain (a bureau's: those of its jurisdiction) and reports the first
 * broken link (admins, bureaus).
 */
@Path("/api/v1/ledger")
@Authenticated
@Tag(name = "Ledger")
public class LedgerResource {

    private final LedgerVerifier verifier;
    private final Checkpoints checkpoints;
    private final CurrentActor actor;

    public LedgerResource(LedgerVerifier verifier, Checkpoints checkpoints, CurrentActor actor) {
        this.verifier = verifier;
        this.checkpoints = checkpoints;
        this.actor = actor;
    }

    /**
     * The verification's answer: every chain, and every signed checkpoint against the ledger as it is now;
     * {@code entriesAuthenticated} says whether each entry's MAC was checked (a ledger key is configured).
     */
    public record Verification(
            boolean intact,
            long chains,
            long entries,
            LedgerVerifier.BrokenLink firstBrokenLink,
            long checkpoints,
            boolean checkpointsIntact,
            String checkpointProblem,
            boolean entriesAuthenticated) {}

    /**
     * The checkpoints, with the public key that verifies new ones and every key that verifies older ones (by the key
     * id each checkpoint carries; more than one after a rotation), for bureaus to keep.
     */
    public record CheckpointExport(
            String publicKeyPem,
            java.util.Map<String, String> publicKeys,
            java.util.List<Checkpoints.Checkpoint> checkpoints) {}

    @GET
    @Path("checkpoints")
    public CheckpointExport checkpoints() {
        requireAuditor();
        return new CheckpointExport(
                checkpoints.publicKeyPem().orElse(null), checkpoints.publicKeysPem(), checkpoints.all());
    }

    private void requireAuditor() {
        var a = actor.get();
        if (!a.is(Role.ADMIN) && !a.is(Role.BUREAU)) {
            throw new Problems.ActionForbidden("Only administrators and bureaus read the ledger's verification");
        }
    }

    /**
     * Every chain for an administrator; for a bureau the chains of the manifests at the ports of its jurisdiction (it
     * never sees another jurisdiction's counts or manifests). The signed checkpoints cover the whole ledger (they are
     * made to be published: a length and a head hash).
     */
    @GET
    @Path("verify")
    public Verification verify() {
        requireAuditor();
        var a = actor.get();
        LedgerVerifier.Report chains = verifier.verifyAll(a.is(Role.ADMIN) ? null : a.portIds());
        Checkpoints.CheckpointReport signed = checkpoints.verify();
        return new Verification(
                chains.intact() && signed.intact(),
                chains.chains(),
                chains.entries(),
                chains.firstBrokenLink(),
                signed.checkpoints(),
                signed.intact(),
                signed.firstProblem(),
                verifier.authenticatesEntries());
    }
}
