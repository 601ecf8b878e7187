using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Reminders.Channels.Http;

namespace Reminders.Channels.Fcm;

/// <summary>
/// OAuth 2.0 access tokens for a service account (JWT bearer grant, RFC 7523): an RS256 JWT with
/// iss = client_email, scope, aud = token_uri, iat and exp (one hour) is posted to token_uri as
/// grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer. The token is kept until shortly before
/// it expires; concurrent callers share one refresh.
/// </summary>
internal sealed class GoogleAccessTokenSource : IDisposable
{
    public const string GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static readonly TimeSpan AssertionLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly HttpClient _httpClient;
    private readonly GoogleServiceAccount _account;
    private readonly string _scope;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly RSA _key;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private CachedToken? _cached;

    public GoogleAccessTokenSource(HttpClient httpClient, GoogleServiceAccount account, string scope, TimeProvider timeProvider, ILogger logger)
    {
        _httpClient = httpClient;
        _account = account;
        _scope = scope;
        _timeProvider = timeProvider;
        _logger = logger;
        _key = RSA.Create();
        _key.ImportFromPem(account.PrivateKeyPem);
    }

    /// <summary>A valid access token, or why none could be had.</summary>
    public async Task<(string? Token, DeliveryResult? Failure)> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (Usable(Volatile.Read(ref _cached)) is { } token) return (token, null);

        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Someone else may have refreshed while this caller waited.
            if (Usable(Volatile.Read(ref _cached)) is { } refreshed) return (refreshed, null);
            var (fetched, failure) = await FetchAsync(cancellationToken).ConfigureAwait(false);
            if (fetched is null) return (null, failure);
            Volatile.Write(ref _cached, fetched);
            return (fetched.Token, null);
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>Forgets <paramref name="token"/> (the API refused it) unless a newer one already replaced it.</summary>
    public void Invalidate(string token)
    {
        var current = Volatile.Read(ref _cached);
        if (current is not null && current.Token == token) Interlocked.CompareExchange(ref _cached, null, current);
    }

    public void Dispose()
    {
        _key.Dispose();
        _refreshGate.Dispose();
    }

    private string? Usable(CachedToken? cached) =>
        cached is not null && _timeProvider.GetUtcNow() < cached.RefreshAt ? cached.Token : null;

    private async Task<(CachedToken? Token, DeliveryResult? Failure)> FetchAsync(CancellationToken cancellationToken)
    {
        var issuedAt = _timeProvider.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, _account.TokenUri)
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", GrantType),
                new("assertion", CreateAssertion(issuedAt)),
            ]),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        var (response, failure) = await ProviderHttp.SendAsync(_httpClient, request, cancellationToken).ConfigureAwait(false);
        if (failure is not null) return (null, failure);
        using (response)
        {
            using var json = await ProviderHttp.ReadJsonAsync(response!, cancellationToken).ConfigureAwait(false);
            var root = json?.RootElement ?? default;
            if (response!.IsSuccessStatusCode && root.GetString("access_token") is { Length: > 0 } accessToken)
            {
                var lifetime = TimeSpan.FromSeconds(root.GetInt("expires_in") ?? 3600);
                var margin = lifetime / 2 < RefreshMargin ? lifetime / 2 : RefreshMargin;
                ChannelsLog.TokenFetched(_logger, _account.TokenUri.Host, lifetime);
                return (new CachedToken(accessToken, issuedAt + lifetime - margin), null);
            }

            // {"error": "invalid_grant", "error_description": "..."}
            var reason = $"token endpoint {ProviderHttp.StatusText(response.StatusCode)} {root.GetString("error")}: {root.GetString("error_description")}";
            if (response.IsSuccessStatusCode) return (null, new DeliveryResult.TransientFailure(reason + " (no access_token)"));
            if (ProviderHttp.IsTransient(response.StatusCode)) return (null, ProviderHttp.Transient(response, _timeProvider, reason));
            return (null, new DeliveryResult.PermanentFailure(reason, ContactInvalid: false));
        }
    }

    private string CreateAssertion(DateTimeOffset issuedAt)
    {
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT" };
        if (!string.IsNullOrEmpty(_account.PrivateKeyId)) header["kid"] = _account.PrivateKeyId;
        var claims = new JsonObject
        {
            ["iss"] = _account.ClientEmail,
            ["scope"] = _scope,
            ["aud"] = _account.TokenUri.AbsoluteUri,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["exp"] = (issuedAt + AssertionLifetime).ToUnixTimeSeconds(),
        };
        var signingInput = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(header))
            + "." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    private sealed record CachedToken(string Token, DateTimeOffset RefreshAt);
}
