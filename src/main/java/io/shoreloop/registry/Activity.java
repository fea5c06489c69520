package io.shoreloop.registry;

/** What a facility is licensed to do with a stream. */
public enum Activity {
    RECEIVE,
    TRANSPORT,
    DISPOSE
}
