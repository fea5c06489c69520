package io.shoreloop.registry;

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
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/** {@code /api/v1/berths}: berths (泊位) with their terminal kind and shore-power supply. */
@Path("/api/v1/berths")
@Authenticated
@Tag(name = "Master data")
public class BerthResource {

    static final String PATH = "/api/v1/berths";

    private final BerthService service;
    private final CurrentActor actor;
    private final ShoreloopConfig config;
    private final FaultService faults;

    public BerthResource(BerthService service, CurrentActor actor, ShoreloopConfig config, FaultService faults) {
        this.faults = faults;
        this.service = service;
        this.actor = actor;
        this.config = config;
    }

    @GET
    public Paging.Page<BerthService.BerthView> list(
            @QueryParam("portId") UUID portId,
            @QueryParam("shorePower") Boolean shorePower,
            @QueryParam("terminalKind") TerminalKind terminalKind,
            @QueryParam("includeInactive") Boolean includeInactive,
            @BeanParam Paging.Params paging) {
        return service.list(
                actor.get(),
                new BerthService.BerthFilter(portId, shorePower, terminalKind, includeInactive),
                paging.resolve(config.paging()));
    }

    @GET
    @Path("{id}")
    public RestResponse<BerthService.BerthView> get(@RestPath UUID id) {
        BerthService.BerthView view = service.get(actor.get(), id);
        return Responses.ok(view, view.version());
    }

    @POST
    @Idempotent
    public RestResponse<BerthService.BerthView> create(@Valid @NotNull BerthService.BerthInput body) {
        BerthService.BerthView view = service.create(actor.get(), body);
        return Responses.created(PATH, view.id(), view, view.version());
    }

    @PUT
    @Path("{id}")
    public RestResponse<BerthService.BerthView> update(
            @RestPath UUID id, @HeaderParam("If-Match") String ifMatch, @Valid @NotNull BerthService.BerthInput body) {
        BerthService.BerthView view = service.update(actor.get(), id, Versions.expected(ifMatch), body);
        return Responses.ok(view, view.version());
    }

    @POST
    @Path("{id}/deactivate")
    @Idempotent
    public RestResponse<BerthService.BerthView> deactivate(@RestPath UUID id, @HeaderParam("If-Match") String ifMatch) {
        BerthService.BerthView view = service.deactivate(actor.get(), id, Versions.expected(ifMatch));
        return Responses.ok(view, view.version());
    }

    @GET
    @Path("{id}/faults")
    public java.util.List<FaultService.FaultView> faults(@RestPath UUID id) {
        return faults.list(actor.get(), id);
    }

    @POST
    @Path("{id}/faults")
    @Idempotent
    public RestResponse<FaultService.FaultView> recordFault(
            @RestPath UUID id, @Valid @NotNull FaultService.FaultInput body) {
        FaultService.FaultView view = faults.record(actor.get(), id, body);
        return Responses.created(PATH + "/" + id + "/faults", view.id(), view, 0);
    }

    @POST
    @Path("{id}/faults/{faultId}/end")
    @Idempotent
    public RestResponse<FaultService.FaultView> endFault(
            @RestPath UUID id, @RestPath UUID faultId, @Valid @NotNull FaultService.FaultEnd body) {
        return RestResponse.ok(faults.end(actor.get(), id, faultId, body));
    }
}
