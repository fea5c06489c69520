package io.shoreloop.compliance;

import io.quarkus.security.Authenticated;
import io.shoreloop.identity.CurrentActor;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.platform.idempotency.Idempotent;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/** {@code /api/v1/compliance/calls}: per-call verdicts (shore power, zero discharge, tank washing) and reviews. */
@Path("/api/v1/compliance/calls")
@Authenticated
@Tag(name = "Compliance")
public class ComplianceResource {

    private final ComplianceService service;
    private final CurrentActor actor;
    private final ShoreloopConfig config;

    public ComplianceResource(ComplianceService service, CurrentActor actor, ShoreloopConfig config) {
        this.service = service;
        this.actor = actor;
        this.config = config;
    }

    @GET
    public Paging.Page<ComplianceService.VerdictView> list(
            @QueryParam("portId") UUID portId,
            @QueryParam("vesselId") UUID vesselId,
            @QueryParam("outcome") Verdict.Outcome outcome,
            @QueryParam("kind") Verdict.Kind kind,
            @QueryParam("from") Instant from,
            @QueryParam("to") Instant to,
            @BeanParam Paging.Params paging) {
        return service.list(
                actor.get(),
                new ComplianceService.VerdictFilter(portId, vesselId, outcome, kind, from, to),
                paging.resolve(config.paging()));
    }

    @GET
    @Path("{callId}")
    public ComplianceService.CallVerdicts get(@RestPath UUID callId) {
        return service.get(actor.get(), callId);
    }

    @POST
    @Path("{callId}/reviews")
    @Idempotent
    public RestResponse<ComplianceService.CallVerdicts> review(
            @RestPath UUID callId, @Valid @NotNull ComplianceService.ReviewInput body) {
        return RestResponse.ok(service.review(actor.get(), callId, body));
    }
}
