package io.shoreloop.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One thing the simulator does at a simulated instant: a meter connects (registering its last will), publishes,
 * drops off so that the broker publishes its will, or the port system registers a call.
 */
public record Outgoing(Instant at, Kind kind, String client, String topic, String payload, boolean retain) {

    public enum Kind {
        /** The meter's client connects; {@code topic}/{@code payload} are its last will (retained, QoS 1). */
        CONNECT,
        /** A QoS 1 publish. */
        PUBLISH,
        /** The meter drops off: the broker publishes the last will ({@code topic}/{@code payload}). */
        DISCONNECT_WITH_WILL,
        /** The port system registers a vessel call; {@code topic} is the call's reference, {@code payload} its body. */
        CALL
    }

    /** One line of the recorded message file. */
    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("at", Json.ts(at));
        n.put("kind", kind.name());
        n.put("client", client);
        n.put("topic", topic);
        n.put("retain", retain);
        n.put("payload", payload);
        return n;
    }
}
