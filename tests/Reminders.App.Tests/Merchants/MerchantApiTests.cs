using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Reminders.App.Tests.Support;
using Reminders.App.Tests.Webhooks;
using static Reminders.App.Tests.Merchants.MerchantApi;

namespace Reminders.App.Tests.Merchants;

/// <summary>PUT, GET, DELETE /api/merchants/{merchantId} and GET /api/merchants on the shared Azurite.</summary>
public sealed class MerchantApiTests : IClassFixture<ReminderAppFactoryFixture>
{
    private readonly ReminderAppFactory _app;
    private readonly HttpClient _admin;

    public MerchantApiTests(ReminderAppFactoryFixture fixture)
    {
        _app = fixture.App;
        _admin = _app.CreateAdminClient();
    }

    [Fact]
    public async Task A_new_merchant_is_created_with_an_etag_and_read_back_without_its_secret()
    {
        var merchantId = NewMerchantId();
        var secret = NewSecret();
        using var created = await PutAsync(_admin, merchantId, new
        {
            name = "Acme Furniture", locale = "en", timeZone = "Europe/Berlin", alertEmail = "ops@acme.example.com",
            alertWebhook = new { url = "https://acme.example.com/hooks", secrets = new[] { secret } },
            linkTemplate = "https://acme.example.com/orders/{orderId}",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotNull(created.Headers.ETag);

        using var read = await _admin.GetAsync($"/api/merchants/{merchantId}");
        var text = await read.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.DoesNotContain(secret, text);
        Assert.DoesNotContain(secret[6..^4], text);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(("Acme Furniture", "table"), (body.GetProperty("name").GetString(), body.GetProperty("source").GetString()));
        Assert.Equal(["…" + secret[^4..]], body.GetProperty("alertWebhook").GetProperty("secrets").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(created.Headers.ETag!.ToString(), read.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task An_update_with_a_stale_etag_is_refused_with_412_and_one_with_the_current_etag_is_taken()
    {
        var merchantId = NewMerchantId();
        using var created = await PutAsync(_admin, merchantId, new { name = "First" });
        var first = created.Headers.ETag!.ToString();
        using var second = await PutAsync(_admin, merchantId, new { name = "Second" }, ifMatch: first);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        using var stale = await PutAsync(_admin, merchantId, new { name = "Lost update" }, ifMatch: first);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("If-Match", await FieldAsync(stale));
        var now = (await _admin.GetFromJsonAsync<JsonElement>($"/api/merchants/{merchantId}")).GetProperty("name").GetString();
        Assert.Equal("Second", now);
        using var missing = await PutAsync(_admin, NewMerchantId(), new { name = "x" }, ifMatch: first);
        Assert.Equal(HttpStatusCode.PreconditionFailed, missing.StatusCode);
    }

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{"alertEmail": "nobody"}""", "alertEmail" },
        { """{"linkTemplate": "ftp://acme.example.com/{orderId}"}""", "linkTemplate" },
        { """{"timeZone": "Mars/Olympus"}""", "timeZone" },
        { """{"alertWebhook": {"url": "http://acme.example.com/hooks", "secrets": ["SECRET"]}}""", "alertWebhook.url" },
        { """{"alertWebhook": {"url": "https://127.0.0.1/hooks", "secrets": ["SECRET"]}}""", "alertWebhook.url" },
        { """{"alertWebhook": {"url": "https://localhost/hooks", "secrets": ["SECRET"]}}""", "alertWebhook.url" },
        { """{"alertWebhook": {"url": "https://10.1.2.3/hooks", "secrets": ["SECRET"]}}""", "alertWebhook.url" },
        { """{"alertWebhook": {"url": "https://169.254.169.254/latest", "secrets": ["SECRET"]}}""", "alertWebhook.url" },
        { """{"alertWebhook": {"url": "https://[::1]/hooks", "secrets": ["SECRET"]}}""", "alertWebhook.url" },
        { """{"alertWebhook": {"url": "https://acme.example.com/hooks"}}""", "alertWebhook.secrets" },
        { """{"alertWebhook": {"url": "https://acme.example.com/hooks", "secrets": ["whsec_c2hvcnQ="]}}""", "alertWebhook.secrets[0]" },
        { """{"alertWebhook": {"url": "https://acme.example.com/hooks", "secrets": ["…abcd"]}}""", "alertWebhook.secrets[0]" },
        { """{"colour": "red"}""", "colour" },
        { """{"policy": {"paymentDueSteps": ["00:10:00", "2.00:00:00"]}}""", "policy.paymentDueSteps" },
        { """{"policy": {"paymentDueSteps": ["00:20:00", "00:10:00"]}}""", "policy.paymentDueSteps" },
        { """{"policy": {"paymentDueSteps": ["soon"]}}""", "policy.paymentDueSteps[0]" },
        { """{"policy": {"channels": ["sms", "sms"]}}""", "policy.channels" },
        { """{"policy": {"channels": ["fax"]}}""", "policy.channels[0]" },
        { """{"policy": {"buyerDailyCap": 0}}""", "policy.buyerDailyCap" },
        { """{"policy": {"kinds": ["payment_due", "nagging"]}}""", "policy.kinds[1]" },
        { """{"policy": {"quietHoursStart": "25:00"}}""", "policy.quietHoursStart" },
        { """{"policy": {"stepsPlease": true}}""", "policy.stepsPlease" },
        { """[1, 2]""", "body" },
        { """not json""", "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task An_invalid_merchant_is_refused_with_400_naming_the_field(string body, string field)
    {
        body = body.Replace("SECRET", NewSecret(), StringComparison.Ordinal);
        var merchantId = NewMerchantId();
        using var response = await _admin.PutAsync($"/api/merchants/{merchantId}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, await FieldAsync(response));
        using var read = await _admin.GetAsync($"/api/merchants/{merchantId}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task A_bad_merchant_id_is_refused_naming_it()
    {
        using var response = await PutAsync(_admin, "m%20x", new { name = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("merchantId", await FieldAsync(response));
    }

    [Fact]
    public async Task A_secret_rotation_keeps_the_old_secret_by_its_hint_and_signs_with_the_new_one_first()
    {
        var merchantId = NewMerchantId();
        var (old, added) = (NewSecret(), NewSecret());
        using var created = await PutAsync(_admin, merchantId, new { alertWebhook = new { url = "https://acme.example.com/hooks", secrets = new[] { old } } });
        var hint = "…" + old[^4..];

        using var rotated = await PutAsync(_admin, merchantId, new { alertWebhook = new { url = "https://acme.example.com/hooks", secrets = new[] { added, hint } } });
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var shown = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("alertWebhook").GetProperty("secrets");
        Assert.Equal(["…" + added[^4..], hint], shown.EnumerateArray().Select(s => s.GetString()));

        var entry = await Services<Reminders.App.Merchants.MerchantTable>().GetAsync(merchantId, CancellationToken.None);
        Assert.Equal([added, old], entry!.WebhookSecrets);

        using var dropped = await PutAsync(_admin, merchantId, new { alertWebhook = new { url = "https://acme.example.com/hooks", secrets = new[] { "…" + added[^4..] } } });
        Assert.Equal([added], (await Services<Reminders.App.Merchants.MerchantTable>().GetAsync(merchantId, CancellationToken.None))!.WebhookSecrets);
    }

    [Fact]
    public async Task The_list_is_paged_with_a_continuation_token()
    {
        var ids = Enumerable.Range(0, 3).Select(_ => NewMerchantId()).ToList();
        foreach (var id in ids) (await PutAsync(_admin, id, new { name = id })).Dispose();

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await _admin.GetFromJsonAsync<JsonElement>("/api/merchants?pageSize=2" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)));
            var merchants = page.GetProperty("merchants").EnumerateArray().Select(m => m.GetProperty("merchantId").GetString()!).ToList();
            Assert.InRange(merchants.Count, 0, 2);
            seen.AddRange(merchants);
            token = page.GetProperty("continuationToken").GetString();
        }
        while (token is not null);
        Assert.Superset(ids.ToHashSet(), seen.ToHashSet());

        using var badSize = await _admin.GetAsync("/api/merchants?pageSize=0");
        Assert.Equal("pageSize", await FieldAsync(badSize));
        using var badToken = await _admin.GetAsync("/api/merchants?continuationToken=" + new string('x', 2000));
        Assert.Equal("continuationToken", await FieldAsync(badToken));
        using var strangeToken = await _admin.GetAsync("/api/merchants?continuationToken=not%20a%20token%20at%20all");
        Assert.True(strangeToken.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, strangeToken.StatusCode.ToString());
    }

    [Fact]
    public async Task A_merchant_is_deleted_once_and_a_stale_delete_is_refused()
    {
        var merchantId = NewMerchantId();
        using var created = await PutAsync(_admin, merchantId, new { name = "Gone soon" });
        using var renamed = await PutAsync(_admin, merchantId, new { name = "Renamed" });

        var staleDelete = new HttpRequestMessage(HttpMethod.Delete, $"/api/merchants/{merchantId}");
        staleDelete.Headers.TryAddWithoutValidation("If-Match", created.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await _admin.SendAsync(staleDelete)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/api/merchants/{merchantId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"/api/merchants/{merchantId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.DeleteAsync($"/api/merchants/{merchantId}")).StatusCode);
    }

    [Fact]
    public async Task The_merchant_routes_need_the_admin_key()
    {
        var anonymous = _app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/merchants")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PutAsync(anonymous, NewMerchantId(), new { name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/merchants/m-1/policy/effective")).StatusCode);
    }

    [Fact]
    public async Task The_effective_policy_says_where_each_value_came_from()
    {
        var merchantId = NewMerchantId();
        using var created = await PutAsync(_admin, merchantId, new
        {
            timeZone = "Europe/Berlin",
            policy = new { paymentDueSteps = new[] { "00:10:00" }, channels = new[] { "email" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var effective = await _admin.GetFromJsonAsync<JsonElement>($"/api/merchants/{merchantId}/policy/effective");
        var fields = effective.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("field").GetString()!);
        Assert.Equal("merchant", fields["paymentDueSteps"].GetProperty("source").GetString());
        Assert.Equal(["00:10:00"], fields["paymentDueSteps"].GetProperty("value").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["email"], fields["channels"].GetProperty("value").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(("Europe/Berlin", "merchant profile"), (fields["defaultTimeZone"].GetProperty("value").GetString(), fields["defaultTimeZone"].GetProperty("source").GetString()));
        // The factory sets quiet hours; nothing sets the window.
        Assert.Equal("setting Reminders__QuietHours__Start", fields["quietHoursStart"].GetProperty("source").GetString());
        Assert.Equal(("1.00:00:00", "default"), (fields["paymentDueWindow"].GetProperty("value").GetString(), fields["paymentDueWindow"].GetProperty("source").GetString()));
    }

    private T Services<T>() where T : notnull => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<T>(_app.Services);
}
