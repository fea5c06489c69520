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

/** {@code /api/v1/vessels}: vessels (船舶), their shore-power receiving facility and collection tanks. */
@Path("/api/v1/vessels")
@Authenticated
@Tag(name = "Master data")
public class VesselResource {

    static final String PATH = "/api/v1/vessels";

    private final VesselService service;
    private final CurrentActor actor;
    private final ShoreloopConfig config;

    public VesselResource(VesselService service, CurrentActor actor, ShoreloopConfig config) {
        this.service = service;
        this.actor = actor;
        this.config = config;
    }

    @GET
    public Paging.Page<VesselService.VesselView> list(
            @QueryParam("mmsi") String mmsi,
            @QueryParam("type") VesselType type,
            @QueryParam("name") String name,
            @QueryParam("includeInactive") Boolean includeInactive,
            @BeanParam Paging.Params paging) {
        return service.list(
                actor.get(),
                new VesselService.VesselFilter(mmsi, type, name, includeInactive),
                paging.resolve(config.paging()));
    }

    @GET
    @Path("{id}")
    public RestResponse<VesselService.VesselView> get(@RestPath UUID id) {
        VesselService.VesselView view = service.get(actor.get(), id);
        return Responses.ok(view, view.version());
    }

    @POST
    @Idempotent
    public RestResponse<VesselService.VesselView> create(@Valid @NotNull VesselService.VesselInput body) {
        VesselService.VesselView view = service.create(actor.get(), body);
        return Responses.created(PATH, view.id(), view, view.version());
    }

    @PUT
    @Path("{id}")
    public RestResponse<VesselService.VesselView> update(
            @RestPath UUID id,
            @HeaderParam("If-Match") String ifMatch,
            @Valid @NotNull VesselService.VesselInput body) {
        VesselService.VesselView view = service.update(actor.get(), id, Versions.expected(ifMatch), body);
        return Responses.ok(view, view.version());
    }

    @POST
    @Path("{id}/deactivate")
    @Idempotent
    public RestResponse<VesselService.VesselView> deactivate(
            @RestPath UUID id, @HeaderParam("If-Match") String ifMatch) {
        VesselService.VesselView view = service.deactivate(actor.get(), id, Versions.expected(ifMatch));
        return Responses.ok(view, view.version());
    }
}
