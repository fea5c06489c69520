package io.shoreloop.ledger;

import io.quarkus.security.Authenticated;
import io.shoreloop.identity.CurrentActor;
import io.shoreloop.identity.Role;
import io.shoreloop.platform.Problems;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/v1/ledger/verify}: recomputes every chain and reports the first broken link (admins, bureaus). */
@Path("/api/v1/ledger")
@Authenticated
@Tag(name = "Ledger")
public class LedgerResource {

    private final LedgerVerifier verifier;
    private final CurrentActor actor;

    public LedgerResource(LedgerVerifier verifier, CurrentActor actor) {
        this.verifier = verifier;
        this.actor = actor;
    }

    @GET
    @Path("verify")
    public LedgerVerifier.Report verify() {
        var a = actor.get();
        if (!a.is(Role.ADMIN) && !a.is(Role.BUREAU)) {
            throw new Problems.ActionForbidden("Only administrators and bureaus verify the ledger");
        }
        return verifier.verifyAll();
    }
}
