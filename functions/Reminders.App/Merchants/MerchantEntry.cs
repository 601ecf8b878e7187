using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace Reminders.App.Merchants;

/// <summary>A version of a merchant's policy and the time it took effect from.</summary>
public sealed record PolicyVersion(DateTimeOffset EffectiveFrom, MerchantPolicy Policy);

/// <summary>
/// A merchant as kept in the Merchants table (PartitionKey = merchant id, exact case; RowKey = <c>merchant</c>): its
/// profile, its alert webhook secrets (never shown once stored) and its policy with the versions before it, so that
/// an order is planned with the version in force when it was created (<see cref="PolicyAt"/>).
/// </summary>
public sealed record MerchantEntry(string MerchantId)
{
    public const string RowKey = "merchant";

    /// <summary>Versions kept; an order older than the oldest is planned with the oldest.</summary>
    public const int MaxPolicyVersions = 50;

    public string? Name { get; init; }
    public string? Locale { get; init; }
    public string? TimeZone { get; init; }
    public string? AlertEmail { get; init; }
    public Uri? WebhookUrl { get; init; }

    /// <summary><c>whsec_...</c> secrets, the one signing first; several during a rotation.</summary>
    public IReadOnlyList<string> WebhookSecrets { get; init; } = [];

    public string? LinkTemplate { get; init; }

    /// <summary>Oldest first; the last is the policy in force now. Empty: the merchant never had a policy.</summary>
    public IReadOnlyList<PolicyVersion> Policies { get; init; } = [];

    public DateTimeOffset? UpdatedAt { get; init; }
    public ETag ETag { get; init; }

    public MerchantPolicy Policy => Policies.Count > 0 ? Policies[^1].Policy : MerchantPolicy.None;

    /// <summary>The policy in force at <paramref name="at"/>: none before the first version, the oldest kept when older still.</summary>
    public PolicyVersion? PolicyAt(DateTimeOffset at)
    {
        if (Policies.Count == 0) return null;
        var version = Policies.LastOrDefault(p => p.EffectiveFrom <= at);
        return version ?? (Policies.Count >= MaxPolicyVersions ? Policies[0] : null);
    }

    /// <summary>This entry with <paramref name="policy"/> in force from <paramref name="now"/>, unless it is the policy already in force.</summary>
    public MerchantEntry WithPolicy(MerchantPolicy policy, DateTimeOffset now)
    {
        if (Policy.ToJson() == policy.ToJson()) return this;
        return this with { Policies = [.. Policies.Append(new PolicyVersion(now, policy)).TakeLast(MaxPolicyVersions)] };
    }

    /// <summary>The hint a stored secret is shown as: its last four characters.</summary>
    public static string Hint(string secret) => "…" + secret[^4..];

    public TableEntity ToEntity() => new(MerchantId, RowKey)
    {
        ["Name"] = Name,
        ["Locale"] = Locale,
        ["TimeZone"] = TimeZone,
        ["AlertEmail"] = AlertEmail,
        ["WebhookUrl"] = WebhookUrl?.AbsoluteUri,
        ["WebhookSecrets"] = WebhookSecrets.Count > 0 ? string.Join(' ', WebhookSecrets) : null,
        ["LinkTemplate"] = LinkTemplate,
        ["Policies"] = JsonSerializer.Serialize(Policies.Select(p => new StoredVersion(p.EffectiveFrom, p.Policy.ToJson()))),
        ["UpdatedAt"] = UpdatedAt,
    };

    public static MerchantEntry FromEntity(TableEntity e) => new(e.PartitionKey)
    {
        Name = e.GetString("Name"),
        Locale = e.GetString("Locale"),
        TimeZone = e.GetString("TimeZone"),
        AlertEmail = e.GetString("AlertEmail"),
        WebhookUrl = e.GetString("WebhookUrl") is { } url ? new Uri(url) : null,
        WebhookSecrets = e.GetString("WebhookSecrets")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
        LinkTemplate = e.GetString("LinkTemplate"),
        Policies = [.. (JsonSerializer.Deserialize<List<StoredVersion>>(e.GetString("Policies") ?? "[]") ?? [])
            .Select(v => new PolicyVersion(v.EffectiveFrom, MerchantPolicy.FromJson(v.Policy)))],
        UpdatedAt = e.GetDateTimeOffset("UpdatedAt"),
        ETag = e.ETag,
    };

    private sealed record StoredVersion(DateTimeOffset EffectiveFrom, string Policy);
}
