package io.shoreloop.manifest;

/** The signed steps of a manifest's life. */
public enum ManifestAction {
    DRAFT,
    DECLARE,
    RECEIVE,
    PICKUP,
    DISPOSE,
    REFUSE,
    CANCEL
}
