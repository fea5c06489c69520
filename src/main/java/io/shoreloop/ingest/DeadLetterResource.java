package io.shoreloop.ingest;

import io.quarkus.security.Authenticated;
import io.shoreloop.identity.CurrentActor;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.platform.idempotency.Idempotent;
import io.shoreloop.shorepower.ShorePowerService;
import jakarta.validation.constraints.NotBlank;
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

/**
 * {@code /api/v1/shorepower/dead-letters}: rejected MQTT messages, scoped like meters (admin; the port's berth
 * operator; bureaus covering the port), and their replay once the cause is mended (berth operators of the port,
 * administrators).
 */
@Path("/api/v1/shorepower/dead-letters")
@Authenticated
@Tag(name = "Shore power")
public class DeadLetterResource {

    private final ShorePowerService service;
    private final DeadLetterReplay replay;
    private final CurrentActor actor;
    private final ShoreloopConfig config;

    public DeadLetterResource(
            ShorePowerService service, DeadLetterReplay replay, CurrentActor actor, ShoreloopConfig config) {
        this.service = service;
        this.replay = replay;
        this.actor = actor;
        this.config = config;
    }

    @GET
    public Paging.Page<ShorePowerService.DeadLetterView> deadLetters(
            @QueryParam("portId") UUID portId,
            @QueryParam("meterCode") String meterCode,
            @QueryParam("from") Instant from,
            @QueryParam("to") Instant to,
            @QueryParam("replayed") Boolean replayed,
            @BeanParam Paging.Params paging) {
        return service.deadLetters(
                actor.get(),
                new ShorePowerService.DeadLetterFilter(portId, meterCode, from, to, replayed),
                paging.resolve(config.paging()));
    }

    /**
     * Processes the dead letter's message again, once: 422 {@code dead-letter-still-rejected} stores nothing; 409
     * {@code dead-letter-already-replayed} unless this request (same user, same {@code Idempotency-Key}) replayed it.
     */
    @POST
    @Path("{id}/replay")
    @Idempotent
    public RestResponse<ShorePowerService.DeadLetterView> replay(
            @RestPath long id, @org.jboss.resteasy.reactive.RestHeader("Idempotency-Key") String idempotencyKey) {
        return RestResponse.ok(replay.replay(actor.get(), id, idempotencyKey));
    }

    /**
     * Replays the unreplayed dead letters of one meter code, oldest first, at most 500 per request; {@code after} (the
     * answer's {@code lastId} when it says {@code more}) goes on from there. Sent again with the same {@code
     * Idempotency-Key} after its stored answer was lost, it counts the letters it replayed the first time too.
     */
    @POST
    @Path("replay")
    @Idempotent
    public RestResponse<DeadLetterReplay.Summary> replayAll(
            @QueryParam("meterCode") @NotBlank String meterCode,
            @QueryParam("after") @jakarta.validation.constraints.PositiveOrZero Long after,
            @org.jboss.resteasy.reactive.RestHeader("Idempotency-Key") String idempotencyKey) {
        return RestResponse.ok(replay.replayAll(actor.get(), meterCode, after == null ? 0 : after, idempotencyKey));
    }
}
