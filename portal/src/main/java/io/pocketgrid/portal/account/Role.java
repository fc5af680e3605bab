package io.pocketgrid.portal.account;

public enum Role {
    OWNER, ADMIN
}
