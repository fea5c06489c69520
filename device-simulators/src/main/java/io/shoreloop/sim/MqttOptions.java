package io.shoreloop.sim;

/** How to reach the broker. */
public record MqttOptions(String host, int port, String username, String password, boolean tls, String clientPrefix) {}
