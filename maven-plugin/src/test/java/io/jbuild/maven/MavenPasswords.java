package io.jbuild.maven;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.maven.settings.crypto.DefaultSettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;
import org.sonatype.plexus.components.cipher.PlexusCipherException;
import org.sonatype.plexus.components.sec.dispatcher.DefaultSecDispatcher;

/**
 * Maven's password encryption for tests, as {@code mvn --encrypt-master-password} and
 * {@code mvn --encrypt-password} do it: a {@code settings-security.xml} holding the encrypted master
 * password, and server passwords encrypted with the master password.
 */
final class MavenPasswords {
    private final String master;
    private final Path securityFile;

    private MavenPasswords(String master, Path securityFile) {
        this.master = master;
        this.securityFile = securityFile;
    }

    /** Writes {@code dir/settings-security.xml} for the master password. */
    static MavenPasswords create(Path dir, String master) throws IOException, PlexusCipherException {
        String encryptedMaster = new DefaultPlexusCipher().encryptAndDecorate(master,
                DefaultSecDispatcher.SYSTEM_PROPERTY_SEC_LOCATION);
        Path file = dir.resolve("settings-security.xml");
        Files.writeString(file, "<settingsSecurity>\n  <master>" + encryptedMaster + "</master>\n</settingsSecurity>\n");
        return new MavenPasswords(master, file);
    }

    Path securityFile() {
        return securityFile;
    }

    /** {@code {...}}, as {@code mvn --encrypt-password} prints it. */
    String encrypt(String password) throws PlexusCipherException {
        return new DefaultPlexusCipher().encryptAndDecorate(password, master);
    }

    /** The decrypter Maven injects, reading this master password. */
    SettingsDecrypter decrypter() throws PlexusCipherException {
        return new DefaultSettingsDecrypter(new DefaultSecDispatcher(new DefaultPlexusCipher(), Map.of(),
                securityFile.toString()));
    }
}
