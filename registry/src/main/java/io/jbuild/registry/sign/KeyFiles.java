package io.jbuild.registry.sign;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * cosign-compatible key files. Private keys are written as cosign's {@code cosign.key}: PEM type
 * {@value #ENCRYPTED_SIGSTORE} around a {@link PasswordBox} JSON envelope (scrypt N=65536, r=8,
 * p=1, random salt; nacl/secretbox, random nonce) of the PKCS#8 DER key. Public keys are PEM
 * {@value #PUBLIC_KEY} (SubjectPublicKeyInfo), as {@code cosign.pub}. Reading accepts both
 * encrypted PEM types cosign writes and the plain types it imports: PKCS#8 {@value #PRIVATE_KEY},
 * SEC1 {@value #EC_PRIVATE_KEY} and PKCS#1 {@value #RSA_PRIVATE_KEY}. Keys may be ECDSA, RSA or
 * Ed25519; {@link #generateKeyPair()} makes ECDSA P-256 keys, cosign's default.
 */
public final class KeyFiles {
    private KeyFiles() {
    }

    public static final String ENCRYPTED_SIGSTORE = "ENCRYPTED SIGSTORE PRIVATE KEY";
    public static final String ENCRYPTED_COSIGN = "ENCRYPTED COSIGN PRIVATE KEY";
    public static final String PRIVATE_KEY = "PRIVATE KEY";
    public static final String EC_PRIVATE_KEY = "EC PRIVATE KEY";
    public static final String RSA_PRIVATE_KEY = "RSA PRIVATE KEY";
    public static final String PUBLIC_KEY = "PUBLIC KEY";

    /** A fresh ECDSA key pair on P-256 (secp256r1). */
    public static KeyPair generateKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("generate P-256 key pair: " + e.getMessage(), e);
        }
    }

    /** {@code cosign.key}: the PKCS#8 key encrypted under {@code password} (may be empty). */
    public static byte[] writeEncryptedPrivateKey(PrivateKey key, char[] password) {
        byte[] der = key.getEncoded();
        try {
            return pem(ENCRYPTED_SIGSTORE, PasswordBox.seal(der, password));
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** {@code cosign.pub}: PEM {@value #PUBLIC_KEY} with the SubjectPublicKeyInfo DER. */
    public static byte[] writePublicKey(PublicKey key) {
        return pem(PUBLIC_KEY, key.getEncoded());
    }

    /**
     * Reads a private key file of any supported type and derives its public key;
     * {@code password} is used only for the encrypted types.
     *
     * @throws WrongPasswordException when an encrypted key does not open with {@code password}
     * @throws KeyFileException when the file is not a supported private key
     */
    public static KeyPair readPrivateKey(byte[] pemBytes, char[] password) throws KeyFileException {
        PemObject pem = readPem(pemBytes, "read private key");
        PrivateKeyInfo info;
        switch (pem.getType()) {
            case ENCRYPTED_SIGSTORE, ENCRYPTED_COSIGN -> {
                byte[] der = PasswordBox.open(pem.getContent(), password == null ? new char[0] : password,
                        "read private key");
                try {
                    info = privateKeyInfo(der);
                } catch (KeyFileException notPkcs8) {
                    try {
                        info = fromSec1(der); // cosign itself accepts only PKCS#8 here
                    } catch (KeyFileException notSec1) {
                        throw notPkcs8;
                    }
                } finally {
                    Arrays.fill(der, (byte) 0);
                }
            }
            case PRIVATE_KEY -> info = privateKeyInfo(pem.getContent());
            case EC_PRIVATE_KEY -> info = fromSec1(pem.getContent());
            case RSA_PRIVATE_KEY -> info = fromPkcs1(pem.getContent());
            default -> throw new KeyFileException("read private key: unsupported PEM type \"" + pem.getType()
                    + "\" (expected " + ENCRYPTED_SIGSTORE + ", " + PRIVATE_KEY + ", " + EC_PRIVATE_KEY + " or "
                    + RSA_PRIVATE_KEY + ")");
        }
        return keyPair(info);
    }

    /** Reads a PEM {@value #PUBLIC_KEY} file (ECDSA, RSA or Ed25519). */
    public static PublicKey readPublicKey(byte[] pemBytes) throws KeyFileException {
        PemObject pem = readPem(pemBytes, "read public key");
        if (!PUBLIC_KEY.equals(pem.getType())) {
            throw new KeyFileException("read public key: unsupported PEM type \"" + pem.getType()
                    + "\" (expected " + PUBLIC_KEY + ")");
        }
        try {
            SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(pem.getContent()));
            PublicKeyFactory.createKey(info);
            return publicKey(info);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new KeyFileException("read public key: malformed SubjectPublicKeyInfo: " + e.getMessage(), e);
        }
    }

    /** The JCA algorithm name cosign's scheme uses for this key: ECDSA/RSA over SHA-256, or pure Ed25519. */
    static String signatureAlgorithm(java.security.Key key) throws SignatureException {
        return switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new SignatureException("use " + key.getAlgorithm() + " key: unsupported key type "
                    + "(expected ECDSA, RSA or Ed25519)");
        };
    }

    static byte[] pem(String type, byte[] content) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(content);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static PemObject readPem(byte[] bytes, String action) throws KeyFileException {
        try (PemReader reader = new PemReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)))) {
            PemObject pem = reader.readPemObject();
            if (pem == null) {
                throw new KeyFileException(action + ": no PEM block found");
            }
            return pem;
        } catch (IOException e) {
            throw new KeyFileException(action + ": malformed PEM: " + e.getMessage(), e);
        }
    }

    private static PrivateKeyInfo privateKeyInfo(byte[] der) throws KeyFileException {
        try {
            return PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
        } catch (IOException | RuntimeException e) {
            throw new KeyFileException("read private key: malformed PKCS#8 key: " + e.getMessage(), e);
        }
    }

    private static PrivateKeyInfo fromSec1(byte[] der) throws KeyFileException {
        try {
            org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
                    org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(ASN1Primitive.fromByteArray(der));
            if (sec1.getParametersObject() == null) {
                throw new KeyFileException("read private key: EC private key names no curve");
            }
            return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                    sec1.getParametersObject()), sec1);
        } catch (IOException | RuntimeException e) {
            throw new KeyFileException("read private key: malformed SEC1 EC private key: " + e.getMessage(), e);
        }
    }

    private static PrivateKeyInfo fromPkcs1(byte[] der) throws KeyFileException {
        try {
            RSAPrivateKey rsa = RSAPrivateKey.getInstance(ASN1Primitive.fromByteArray(der));
            return new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), rsa);
        } catch (IOException | RuntimeException e) {
            throw new KeyFileException("read private key: malformed PKCS#1 RSA private key: " + e.getMessage(), e);
        }
    }

    private static KeyPair keyPair(PrivateKeyInfo info) throws KeyFileException {
        try {
            AsymmetricKeyParameter key = PrivateKeyFactory.createKey(info);
            AsymmetricKeyParameter pub;
            String algorithm;
            if (key instanceof ECPrivateKeyParameters ec) {
                ECDomainParameters domain = ec.getParameters();
                pub = new ECPublicKeyParameters(new FixedPointCombMultiplier().multiply(domain.getG(), ec.getD()).normalize(),
                        domain);
                algorithm = "EC";
            } else if (key instanceof RSAPrivateCrtKeyParameters rsa) {
                pub = new RSAKeyParameters(false, rsa.getModulus(), rsa.getPublicExponent());
                algorithm = "RSA";
            } else if (key instanceof Ed25519PrivateKeyParameters ed) {
                pub = ed.generatePublicKey();
                algorithm = "Ed25519";
            } else {
                throw new KeyFileException("read private key: unsupported key algorithm "
                        + info.getPrivateKeyAlgorithm().getAlgorithm() + " (expected ECDSA, RSA or Ed25519)");
            }
            KeyFactory factory = KeyFactory.getInstance(algorithm);
            PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
            PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub).getEncoded()));
            return new KeyPair(publicKey, privateKey);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new KeyFileException("read private key: unusable key: " + e.getMessage(), e);
        }
    }

    private static PublicKey publicKey(SubjectPublicKeyInfo info) throws GeneralSecurityException, IOException {
        String oid = info.getAlgorithm().getAlgorithm().getId();
        String algorithm;
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey.getId())) {
            algorithm = "EC";
        } else if (oid.equals(PKCSObjectIdentifiers.rsaEncryption.getId())) {
            algorithm = "RSA";
        } else if (oid.equals("1.3.101.112")) {
            algorithm = "Ed25519";
        } else {
            throw new GeneralSecurityException("unsupported key algorithm " + oid + " (expected ECDSA, RSA or Ed25519)");
        }
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(info.getEncoded()));
    }
}
