package io.shoreloop.calls;

import io.quarkus.security.Authenticated;
import io.shoreloop.identity.CurrentActor;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.Responses;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.platform.Versions;
import io.shoreloop.platform.idempotency.Idempotent;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/** {@code /api/v1/calls}: vessel calls with arrival, departure, crew on board, cargo and exemption claims. */
@Path("/api/v1/calls")
@Authenticated
@Tag(name = "Vessel calls")
public class CallResource {

    static final String PATH = "/api/v1/calls";

    private final CallService calls;
    private final CurrentActor actor;
    private final ShoreloopConfig config;

    public CallResource(CallService calls, CurrentActor actor, ShoreloopConfig config) {
        this.calls = calls;
        this.actor = actor;
        this.config = config;
    }

    @GET
    public Paging.Page<CallService.CallView> list(
            @QueryParam("vesselId") UUID vesselId,
            @QueryParam("berthId") UUID berthId,
            @QueryParam("portId") UUID portId,
            @QueryParam("from") Instant from,
            @QueryParam("to") Instant to,
            @QueryParam("open") Boolean open,
            @QueryParam("includeInactive") Boolean includeInactive,
            @BeanParam Paging.Params paging) {
        return calls.list(
                actor.get(),
                new CallService.CallFilter(vesselId, berthId, portId, from, to, open, includeInactive),
                paging.resolve(config.paging()));
    }

    @GET
    @Path("{id}")
    public RestResponse<CallService.CallView> get(@RestPath UUID id) {
        CallService.CallView view = calls.get(actor.get(), id);
        return Responses.ok(view, view.version());
    }

    @POST
    @Idempotent
    public RestResponse<CallService.CallView> create(@Valid @NotNull CallService.CallInput body) {
        CallService.CallView view = calls.create(actor.get(), body);
        return Responses.created(PATH, view.id(), view, view.version());
    }

    @PUT
    @Path("{id}")
    public RestResponse<CallService.CallView> update(
            @RestPath UUID id, @HeaderParam("If-Match") String ifMatch, @Valid @NotNull CallService.CallInput body) {
        CallService.CallView view = calls.update(actor.get(), id, Versions.expected(ifMatch), body);
        return Responses.ok(view, view.version());
    }

    @POST
    @Path("{id}/exemption")
    @Idempotent
    public RestResponse<CallService.CallView> claimExemption(
            @RestPath UUID id,
            @HeaderParam("If-Match") String ifMatch,
            @Valid @NotNull CallService.ExemptionInput body) {
        CallService.CallView view = calls.claimExemption(actor.get(), id, Versions.expected(ifMatch), body);
        return Responses.ok(view, view.version());
    }

    @POST
    @Path("{id}/deactivate")
    @Idempotent
    public RestResponse<CallService.CallView> deactivate(@RestPath UUID id, @HeaderParam("If-Match") String ifMatch) {
        CallService.CallView view = calls.deactivate(actor.get(), id, Versions.expected(ifMatch));
        return Responses.ok(view, view.version());
    }
}
