package io.jbuild.registry;

/**
 * Credentials for one registry: a user name and password, or an identity (refresh) token used in
 * the OAuth2 flow, or a registry token sent as a Bearer token as it is.
 */
public record Credentials(String username, String password, String identityToken, String registryToken) {
    public Credentials {
        if (username == null && identityToken == null && registryToken == null) {
            throw new IllegalArgumentException("credentials need a user name, an identity token or a registry token");
        }
    }

    public static Credentials of(String username, String password) {
        return new Credentials(username, password == null ? "" : password, null, null);
    }

    public boolean hasPassword() {
        return username != null && password != null;
    }

    @Override
    public String toString() {
        return "Credentials[" + (username == null ? "(token)" : username) + "]";
    }
}
