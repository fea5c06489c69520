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

/** {@code /api/v1/facilities}: reception facilities, transport companies and disposal plants with their licences. */
@Path("/api/v1/facilities")
@Authenticated
@Tag(name = "Master data")
public class FacilityResource {

    static final String PATH = "/api/v1/facilities";

    private final FacilityService service;
    private final CurrentActor actor;
    private final ShoreloopConfig config;

    public FacilityResource(FacilityService service, CurrentActor actor, ShoreloopConfig config) {
        this.service = service;
        this.actor = actor;
        this.config = config;
    }

    @GET
    public Paging.Page<FacilityService.FacilityView> list(
            @QueryParam("kind") FacilityKind kind,
            @QueryParam("portId") UUID portId,
            @QueryParam("activity") Activity activity,
            @QueryParam("stream") Stream stream,
            @QueryParam("includeInactive") Boolean includeInactive,
            @BeanParam Paging.Params paging) {
        return service.list(
                actor.get(),
                new FacilityService.FacilityFilter(kind, portId, activity, stream, includeInactive),
                paging.resolve(config.paging()));
    }

    @GET
    @Path("{id}")
    public RestResponse<FacilityService.FacilityView> get(@RestPath UUID id) {
        FacilityService.FacilityView view = service.get(actor.get(), id);
        return Responses.ok(view, view.version());
    }

    @POST
    @Idempotent
    public RestResponse<FacilityService.FacilityView> create(@Valid @NotNull FacilityService.FacilityInput body) {
        FacilityService.FacilityView view = service.create(actor.get(), body);
        return Responses.created(PATH, view.id(), view, view.version());
    }

    @PUT
    @Path("{id}")
    public RestResponse<FacilityService.FacilityView> update(
            @RestPath UUID id,
            @HeaderParam("If-Match") String ifMatch,
            @Valid @NotNull FacilityService.FacilityInput body) {
        FacilityService.FacilityView view = service.update(actor.get(), id, Versions.expected(ifMatch), body);
        return Responses.ok(view, view.version());
    }

    @POST
    @Path("{id}/deactivate")
    @Idempotent
    public RestResponse<FacilityService.FacilityView> deactivate(
            @RestPath UUID id, @HeaderParam("If-Match") String ifMatch) {
        FacilityService.FacilityView view = service.deactivate(actor.get(), id, Versions.expected(ifMatch));
        return Responses.ok(view, view.version());
    }
}
