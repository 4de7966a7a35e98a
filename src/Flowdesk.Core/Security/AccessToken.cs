using System.Security.Cryptography;
using System.Text;

namespace Flowdesk.Security;

public enum AccessTokenKind { Session = 1, ApiKey = 2 }

/// <summary>
/// A bearer credential: a person's token from POST /auth/token, or an admin-created API key acting as an
/// integration user. Only the SHA-256 of the secret is stored; the secret is shown once.
/// </summary>
public sealed class AccessToken
{
    private AccessToken() { }

    public AccessToken(Guid personId, AccessTokenKind kind, string name, string hash, DateTimeOffset now, DateTimeOffset? expiresAt)
    {
        Id = Ids.New();
        PersonId = personId;
        Kind = kind;
        Name = name;
        Hash = hash;
        CreatedAt = now;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }
    public Guid PersonId { get; private set; }
    public AccessTokenKind Kind { get; private set; }
    public string Name { get; private set; } = "";
    public string Hash { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ExpiresAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    public bool IsValidAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;

    /// <summary>A new random secret (256 bits) with a recognisable prefix, and its hash.</summary>
    public static (string Secret, string Hash) NewSecret(AccessTokenKind kind)
    {
        var prefix = kind == AccessTokenKind.ApiKey ? "fdk_" : "fdt_";
        var secret = prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        return (secret, HashOf(secret));
    }

    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
