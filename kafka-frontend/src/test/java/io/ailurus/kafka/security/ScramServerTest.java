package io.ailurus.kafka.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.cluster.security.StoredScramCredential;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.SaslException;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ClientFinalMessage;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ClientFirstMessage;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ServerFinalMessage;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ServerFirstMessage;
import org.apache.kafka.common.security.scram.internals.ScramSaslClient;
import org.junit.jupiter.api.Test;

class ScramServerTest {

    private static final ScramMechanism SHA512 = ScramMechanism.SCRAM_SHA_512;

    private final ScramCredentialLookup users;

    ScramServerTest() throws Exception {
        final ScramCredential alice = new ScramFormatter(SHA512).generateCredential("alice-secret", 4096);
        final StoredScramCredential stored = new StoredScramCredential("alice", SHA512.mechanismName(), alice.salt(),
                alice.storedKey(), alice.serverKey(), alice.iterations());
        users = (user, mechanism) -> user.equals("alice") && mechanism.equals(SHA512.mechanismName())
                ? Optional.of(stored) : Optional.empty();
    }

    @Test
    void kafkaClientsScramClientAuthenticates() throws Exception {
        final ScramSaslClient client = client("alice", "alice-secret");
        final ScramServer server = new ScramServer(SHA512, users);
        final byte[] serverFirst = server.evaluateResponse(client.evaluateChallenge(new byte[0]));
        final byte[] serverFinal = server.evaluateResponse(client.evaluateChallenge(serverFirst));
        client.evaluateChallenge(serverFinal);   // verifies the server's signature
        assertTrue(server.isComplete());
        assertTrue(client.isComplete());
        assertEquals("alice", server.getAuthorizationID());
    }

    @Test
    void aWrongPasswordOrAnUnknownUserFails() throws Exception {
        final ScramSaslClient client = client("alice", "guess");
        final ScramServer server = new ScramServer(SHA512, users);
        final byte[] serverFirst = server.evaluateResponse(client.evaluateChallenge(new byte[0]));
        final byte[] clientFinal = client.evaluateChallenge(serverFirst);
        assertThrows(SaslException.class, () -> server.evaluateResponse(clientFinal));

        final ScramServer other = new ScramServer(SHA512, users);
        assertThrows(SaslException.class, () -> other.evaluateResponse(client("mallory", "x")
                .evaluateChallenge(new byte[0])));
    }

    /** librdkafka before 2.2 sends back client nonce + combined nonce; its proof covers that message. */
    @Test
    void librdkafkasDoubledNonceIsAcceptedWithAValidProofOnly() throws Exception {
        final ScramFormatter formatter = new ScramFormatter(SHA512);
        final ClientFirstMessage first = new ClientFirstMessage("alice", "client-nonce-1234", Map.of());
        final ScramServer server = new ScramServer(SHA512, users);
        final ServerFirstMessage serverFirst = new ServerFirstMessage(server.evaluateResponse(first.toBytes()));
        final byte[] salted = formatter.saltedPassword("alice-secret", serverFirst.salt(), serverFirst.iterations());
        final ClientFinalMessage doubled = new ClientFinalMessage("n,,".getBytes(StandardCharsets.UTF_8),
                first.nonce() + serverFirst.nonce());
        doubled.proof(formatter.clientProof(salted, first, serverFirst, doubled));
        final ServerFinalMessage serverFinal = new ServerFinalMessage(server.evaluateResponse(doubled.toBytes()));
        assertTrue(server.isComplete());
        assertArrayEquals(formatter.serverSignature(formatter.serverKey(salted), first, serverFirst, doubled),
                serverFinal.serverSignature());

        final ScramServer strict = new ScramServer(SHA512, users);
        final ServerFirstMessage again = new ServerFirstMessage(strict.evaluateResponse(first.toBytes()));
        final ClientFinalMessage forged = new ClientFinalMessage("n,,".getBytes(StandardCharsets.UTF_8),
                "x" + again.nonce());
        forged.proof(formatter.clientProof(salted, first, again, forged));
        assertThrows(SaslException.class, () -> strict.evaluateResponse(forged.toBytes()),
                "any other nonce is refused");
    }

    private static ScramSaslClient client(final String user, final String password) throws Exception {
        return new ScramSaslClient(SHA512, (Callback[] callbacks) -> {
            for (final Callback c : callbacks) {
                if (c instanceof NameCallback name) {
                    name.setName(user);
                } else if (c instanceof PasswordCallback pass) {
                    pass.setPassword(password.toCharArray());
                }
            }
        });
    }
}
