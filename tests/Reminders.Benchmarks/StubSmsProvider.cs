using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Reminders.TestSupport;

namespace Reminders.Benchmarks;

/// <summary>
/// A stand-in for Twilio's Messages API on Kestrel: every POST /2010-04-01/Accounts/{sid}/Messages.json is answered
/// after a fixed delay with 201 and a message sid, as Twilio answers an accepted message. It records when each
/// request arrived and the most requests it held at once.
/// </summary>
public sealed class StubSmsProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeSpan _delay;
    private readonly Lock _gate = new();
    private readonly List<long> _arrivals = [];
    private int _inFlight;
    private int _maxInFlight;

    private StubSmsProvider(WebApplication app, TimeSpan delay, Uri baseUrl)
    {
        _app = app;
        _delay = delay;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public static async Task<StubSmsProvider> StartAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var url = new Uri($"http://127.0.0.1:{TestStorage.FreePort()}");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url.ToString());
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new StubSmsProvider(app, delay, url);
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", stub.AnswerAsync);
        await app.StartAsync(cancellationToken);
        return stub;
    }

    /// <summary>Arrival times (Stopwatch timestamps) of the requests so far, in order.</summary>
    public IReadOnlyList<long> Arrivals()
    {
        lock (_gate) return [.. _arrivals];
    }

    public int Count
    {
        get
        {
            lock (_gate) return _arrivals.Count;
        }
    }

    public void Reset()
    {
        lock (_gate) _arrivals.Clear();
        Volatile.Write(ref _maxInFlight, 0);
    }

    private async Task<IResult> AnswerAsync(string accountSid, HttpContext context)
    {
        lock (_gate) _arrivals.Add(Stopwatch.GetTimestamp());
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }
        try
        {
            await context.Request.ReadFormAsync(context.RequestAborted);
            await Task.Delay(_delay, context.RequestAborted);
            var sid = "SM" + Guid.NewGuid().ToString("N");
            return Results.Json(new { sid, account_sid = accountSid, status = "queued", num_segments = "1" }, statusCode: 201);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
