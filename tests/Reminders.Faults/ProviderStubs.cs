using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Reminders.TestSupport;

namespace Reminders.Faults;

/// <summary>One message a provider accepted (answered 2xx to), by the contact it was addressed to.</summary>
public sealed record Delivery(string Channel, string Contact, DateTimeOffset At);

/// <summary>How the stubs answer: every request accepted, or the chaos mix of scenario 4.</summary>
public sealed record ProviderBehaviour(double ServerErrors, double TooManyRequests, double Hangs)
{
    public static readonly ProviderBehaviour Healthy = new(0, 0, 0);

    /// <summary>30 % 5xx, 10 % 429 with Retry-After, 10 % no answer before the app's HTTP timeout.</summary>
    public static readonly ProviderBehaviour Chaos = new(0.30, 0.10, 0.10);
}

/// <summary>
/// Twilio's Messages API and FCM HTTP v1 (with Google's OAuth token endpoint) on one stub server. A send answered 2xx
/// is a delivery; a 5xx, a 429 or a hang (held until the app gives up) is not. Only the SMS and push sends are
/// subject to <see cref="Behaviour"/>; the token endpoint always answers.
/// </summary>
public sealed class ProviderStubs : IAsyncDisposable
{
    public const string TwilioAccountSid = "AC00000000000000000000000000fa17";
    public const string FcmProject = "reminders-faults";

    private readonly ConcurrentQueue<Delivery> _deliveries = new();
    private readonly Random _random;
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private StubServer? _server;
    private long _sent;
    private long _refused;

    private ProviderStubs(int seed, TimeProvider time)
    {
        _random = new Random(seed);
        _time = time;
    }

    public ProviderBehaviour Behaviour { get; set; } = ProviderBehaviour.Healthy;

    public Uri BaseUrl => _server!.BaseUrl;

    /// <summary>Sends answered with an error or left hanging, over the whole run.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public IReadOnlyList<Delivery> Deliveries => [.. _deliveries];

    public static async Task<ProviderStubs> StartAsync(int seed, TimeProvider time)
    {
        var stubs = new ProviderStubs(seed, time);
        stubs._server = await StubServer.StartAsync(stubs.HandleAsync);
        return stubs;
    }

    /// <summary>The app settings that send SMS to the Twilio stub and push to the FCM stub.</summary>
    public Dictionary<string, string> AppSettings()
    {
        using var key = RSA.Create(2048);
        var serviceAccount = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = FcmProject,
            ["private_key_id"] = "0123456789abcdef0123456789abcdef01234567",
            ["private_key"] = key.ExportPkcs8PrivateKeyPem() + "\n",
            ["client_email"] = $"reminders@{FcmProject}.iam.gserviceaccount.com",
            ["client_id"] = "100000000000000000001",
            ["token_uri"] = new Uri(BaseUrl, "token").AbsoluteUri,
        });
        return new Dictionary<string, string>
        {
            ["Channels__Sms__Provider"] = "twilio",
            ["Channels__Sms__Twilio__AccountSid"] = TwilioAccountSid,
            ["Channels__Sms__Twilio__AuthToken"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["Channels__Sms__Twilio__From"] = "+15005550006",
            ["Channels__Sms__Twilio__BaseUrl"] = BaseUrl.AbsoluteUri,
            ["Channels__Push__Provider"] = "fcm",
            ["Channels__Push__Fcm__ServiceAccountJson"] = serviceAccount,
            ["Channels__Push__Fcm__BaseUrl"] = BaseUrl.AbsoluteUri,
        };
    }

    private async Task HandleAsync(RecordedRequest request, HttpContext context)
    {
        if (request.Path == "/token")
        {
            await StubServer.RespondAsync(context, 200, JsonSerializer.Serialize(new { access_token = "ya29.faults", expires_in = 3600, token_type = "Bearer" }));
            return;
        }
        var (channel, contact) = request.Path.EndsWith("/Messages.json", StringComparison.Ordinal)
            ? ("sms", System.Web.HttpUtility.ParseQueryString(request.BodyText)["To"])
            : ("push", JsonNode.Parse(request.Body)?["message"]?["token"]?.GetValue<string>());
        if (contact is null)
        {
            await StubServer.RespondAsync(context, 400, """{"message":"no recipient"}""");
            return;
        }

        var roll = Roll();
        var behaviour = Behaviour;
        if (roll < behaviour.ServerErrors)
        {
            Interlocked.Increment(ref _refused);
            await StubServer.RespondAsync(context, 503, channel == "sms"
                ? """{"code":20503,"message":"Service unavailable","status":503}"""
                : """{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}""");
            return;
        }
        if (roll < behaviour.ServerErrors + behaviour.TooManyRequests)
        {
            Interlocked.Increment(ref _refused);
            await StubServer.RespondAsync(context, 429, channel == "sms"
                ? """{"code":20429,"message":"Too Many Requests","status":429}"""
                : """{"error":{"code":429,"message":"Quota exceeded.","status":"RESOURCE_EXHAUSTED"}}""", ("Retry-After", "2"));
            return;
        }
        if (roll < behaviour.ServerErrors + behaviour.TooManyRequests + behaviour.Hangs)
        {
            Interlocked.Increment(ref _refused);
            await StubServer.HangAsync(context);
            return;
        }

        _deliveries.Enqueue(new Delivery(channel, contact, _time.GetUtcNow()));
        var n = Interlocked.Increment(ref _sent);
        await StubServer.RespondAsync(context, channel == "sms" ? 201 : 200, channel == "sms"
            ? $$"""{"sid":"SM{{n:D32}}","status":"queued","num_segments":"1"}"""
            : $$"""{"name":"projects/{{FcmProject}}/messages/{{n}}"}""");
    }

    private double Roll()
    {
        lock (_gate) return _random.NextDouble();
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
