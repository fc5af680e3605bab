package io.pocketgrid.ledger.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.web3j.crypto.exception.CipherException;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;

/**
 * Where the signing key comes from: a hex private key in an environment variable, or a web3 keystore
 * (JSON) file whose password is in an environment variable. Holds names and paths, never the secret.
 *
 * @param privateKeyEnv environment variable holding the hex private key, or null
 * @param keystoreFile keystore file, used when {@code privateKeyEnv} is null or unset
 * @param keystorePasswordEnv environment variable holding the keystore's password
 */
public record KeySource(String privateKeyEnv, Path keystoreFile, String keystorePasswordEnv) {

    /** The default: the private key in {@code POCKETGRID_CHAIN_KEY}. */
    public static final String DEFAULT_ENV = "POCKETGRID_CHAIN_KEY";

    /** A key in the environment variable {@code name}. */
    public static KeySource env(String name) {
        return new KeySource(name, null, null);
    }

    /** A keystore file whose password is in the environment variable {@code passwordEnv}. */
    public static KeySource keystore(Path file, String passwordEnv) {
        return new KeySource(null, file, passwordEnv);
    }

    /** Loads the key from the process environment. */
    public Credentials load() {
        return load(System.getenv());
    }

    /**
     * Loads the key from {@code env}.
     *
     * @throws IllegalStateException naming the variable or file, never the secret, when it cannot be loaded
     */
    public Credentials load(Map<String, String> env) {
        if (privateKeyEnv != null && env.get(privateKeyEnv) != null && !env.get(privateKeyEnv).isBlank()) {
            String hex = env.get(privateKeyEnv).strip();
            if (!WalletUtils.isValidPrivateKey(hex)) {
                throw new IllegalStateException("environment variable " + privateKeyEnv + " does not hold a hex private key");
            }
            return Credentials.create(hex);
        }
        if (keystoreFile != null) {
            String password = keystorePasswordEnv == null ? null : env.get(keystorePasswordEnv);
            if (password == null) {
                throw new IllegalStateException("keystore password variable " + keystorePasswordEnv + " is not set");
            }
            try {
                return WalletUtils.loadCredentials(password, keystoreFile.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read keystore " + keystoreFile, e);
            } catch (CipherException e) {
                throw new IllegalStateException("cannot decrypt keystore " + keystoreFile + " (wrong password?)");
            }
        }
        throw new IllegalStateException("no signing key: set " + (privateKeyEnv != null ? privateKeyEnv : DEFAULT_ENV)
                + " or configure a keystore file");
    }
}
