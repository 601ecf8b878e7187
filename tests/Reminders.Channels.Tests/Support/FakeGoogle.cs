using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;
using Reminders.TestSupport;

namespace Reminders.Channels.Tests.Support;

/// <summary>
/// Google's OAuth token endpoint and the FCM HTTP v1 send endpoint on one stub server. The token
/// endpoint verifies the JWT assertion's RS256 signature with the service account's public key and
/// its claims; FCM accepts only bearer tokens the token endpoint issued and has not revoked.
/// </summary>
public sealed class FakeGoogle : IAsyncDisposable
{
    public const string ProjectId = "reminders-test";
    public const string ClientEmail = "reminders@reminders-test.iam.gserviceaccount.com";
    public const string PrivateKeyId = "0123456789abcdef0123456789abcdef01234567";
    public const string MessageName = "projects/reminders-test/messages/0:1500415314455276%31bd1c9631bd1c96";

    private readonly FakeTimeProvider _time;
    private readonly RSA _serverKnownKey;
    private readonly ConcurrentDictionary<string, bool> _validTokens = new();
    private int _issued;

    private FakeGoogle(FakeTimeProvider time, RSA serverKnownKey, StubServer stub)
    {
        _time = time;
        _serverKnownKey = serverKnownKey;
        Stub = stub;
    }

    public StubServer Stub { get; }

    public Uri TokenUri => new(Stub.BaseUrl, "token");

    /// <summary>How long the token endpoint takes, so concurrent callers really overlap.</summary>
    public TimeSpan TokenDelay { get; set; }

    /// <summary>FCM refuses every bearer token (as with a revoked service account).</summary>
    public bool RejectAllTokens { get; set; }

    /// <summary>The token endpoint answers 503.</summary>
    public bool TokenEndpointDown { get; set; }

    public IReadOnlyList<RecordedRequest> TokenRequests => Stub.Requests.Where(r => r.Path == "/token").ToList();

    public IReadOnlyList<RecordedRequest> SendRequests => Stub.Requests.Where(r => r.Path != "/token").ToList();

    public static async Task<FakeGoogle> StartAsync(FakeTimeProvider time, RSA serverKnownKey)
    {
        FakeGoogle? google = null;
        var stub = await StubServer.StartAsync((request, context) => google!.HandleAsync(request, context));
        google = new FakeGoogle(time, serverKnownKey, stub);
        return google;
    }

    /// <summary>A service account key file as the Google console downloads it.</summary>
    public string ServiceAccountJson(RSA key) => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["type"] = "service_account",
        ["project_id"] = ProjectId,
        ["private_key_id"] = PrivateKeyId,
        ["private_key"] = key.ExportPkcs8PrivateKeyPem() + "\n",
        ["client_email"] = ClientEmail,
        ["client_id"] = "100000000000000000001",
        ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
        ["token_uri"] = TokenUri.AbsoluteUri,
        ["auth_provider_x509_cert_url"] = "https://www.googleapis.com/oauth2/v1/certs",
        ["universe_domain"] = "googleapis.com",
    });

    /// <summary>Makes FCM refuse a token it issued earlier.</summary>
    public void Revoke(string token) => _validTokens[token] = false;

    public string LastIssuedToken => $"ya29.test-token-{_issued}";

    public ValueTask DisposeAsync() => Stub.DisposeAsync();

    private Task HandleAsync(RecordedRequest request, HttpContext context) =>
        request.Path == "/token" ? TokenAsync(request, context) : SendAsync(request, context);

    private async Task TokenAsync(RecordedRequest request, HttpContext context)
    {
        if (TokenDelay > TimeSpan.Zero) await Task.Delay(TokenDelay);
        if (TokenEndpointDown)
        {
            await StubServer.RespondAsync(context, 503, """{"error":"internal_failure","error_description":"Backend unavailable"}""");
            return;
        }
        if (CheckTokenRequest(request) is { } problem)
        {
            await StubServer.RespondAsync(context, 400, JsonSerializer.Serialize(new { error = "invalid_grant", error_description = problem }));
            return;
        }
        var token = $"ya29.test-token-{Interlocked.Increment(ref _issued)}";
        _validTokens[token] = true;
        await StubServer.RespondAsync(context, 200, JsonSerializer.Serialize(new { access_token = token, expires_in = 3599, token_type = "Bearer" }));
    }

    private string? CheckTokenRequest(RecordedRequest request)
    {
        if (request.Method != "POST") return "Method not allowed";
        if (request.Header("Content-Type")?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) != true)
            return "Bad content type";
        var form = QueryHelpers.ParseQuery(request.BodyText);
        if (form.Keys.Count != 2) return "Unexpected form fields";
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer") return "Invalid grant_type";
        var parts = form["assertion"].ToString().Split('.');
        if (parts.Length != 3) return "Invalid JWT";

        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!;
        if ((string?)header["alg"] != "RS256" || (string?)header["typ"] != "JWT" || (string?)header["kid"] != PrivateKeyId)
            return "Invalid JWT header";
        var signedBytes = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (!_serverKnownKey.VerifyData(signedBytes, Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            return "Invalid JWT Signature.";

        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!;
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var iat = (long?)claims["iat"];
        var exp = (long?)claims["exp"];
        if ((string?)claims["iss"] != ClientEmail) return "Invalid iss";
        if ((string?)claims["scope"] != "https://www.googleapis.com/auth/firebase.messaging") return "Invalid scope";
        // Google's documented audience of a token request, whatever address the request is sent to.
        if ((string?)claims["aud"] != "https://oauth2.googleapis.com/token") return "Invalid audience";
        if (iat != now) return string.Create(CultureInfo.InvariantCulture, $"Invalid iat {iat}, now {now}");
        if (exp is null || exp <= iat || exp - iat > 3600) return "Invalid exp";
        return null;
    }

    private async Task SendAsync(RecordedRequest request, HttpContext context)
    {
        if (request.Method != "POST" || request.RawTarget != $"/v1/projects/{ProjectId}/messages:send")
        {
            await StubServer.RespondAsync(context, 404, FcmError(404, "Not found", "NOT_FOUND", null));
            return;
        }
        var auth = request.Header("Authorization") ?? "";
        if (RejectAllTokens || !auth.StartsWith("Bearer ", StringComparison.Ordinal)
            || !_validTokens.TryGetValue(auth["Bearer ".Length..], out var valid) || !valid)
        {
            await StubServer.RespondAsync(context, 401,
                FcmError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "UNAUTHENTICATED", null),
                ("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\""));
            return;
        }
        if (request.Header("Content-Type") != "application/json")
        {
            await StubServer.RespondAsync(context, 400, FcmError(400, "Invalid JSON payload received.", "INVALID_ARGUMENT", null));
            return;
        }
        var token = JsonNode.Parse(request.BodyText)?["message"]?["token"]?.GetValue<string>();
        switch (token)
        {
            case "unregistered-device-token":
                await StubServer.RespondAsync(context, 404, FcmError(404, "Requested entity was not found.", "NOT_FOUND", "UNREGISTERED"));
                break;
            case "malformed-device-token":
                await StubServer.RespondAsync(context, 400,
                    FcmError(400, "The registration token is not a valid FCM registration token", "INVALID_ARGUMENT", "INVALID_ARGUMENT"));
                break;
            case "bad-data-device-token":
                await StubServer.RespondAsync(context, 400, """
                    {"error":{"code":400,"message":"Invalid value at 'message.data[0].value' (TYPE_STRING), 12","status":"INVALID_ARGUMENT",
                     "details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"message.data[0].value","description":"Invalid value at 'message.data[0].value' (TYPE_STRING), 12"}]}]}}
                    """);
                break;
            case "quota-device-token":
                await StubServer.RespondAsync(context, 429, FcmError(429, "Quota exceeded.", "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED"), ("Retry-After", "30"));
                break;
            case "unavailable-device-token":
                await StubServer.RespondAsync(context, 503, FcmError(503, "The service is currently unavailable.", "UNAVAILABLE", "UNAVAILABLE"),
                    ("Retry-After", _time.GetUtcNow().AddSeconds(120).ToString("r", CultureInfo.InvariantCulture)));
                break;
            case "slow-device-token":
                await StubServer.HangAsync(context);
                break;
            default:
                await StubServer.RespondAsync(context, 200, JsonSerializer.Serialize(new { name = MessageName }));
                break;
        }
    }

    private static string FcmError(int code, string message, string status, string? fcmErrorCode)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status };
        if (fcmErrorCode is not null)
        {
            error["details"] = new JsonArray(new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                ["errorCode"] = fcmErrorCode,
            });
        }
        return new JsonObject { ["error"] = error }.ToJsonString();
    }
}
