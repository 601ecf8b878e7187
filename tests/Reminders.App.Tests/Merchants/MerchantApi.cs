using System.Net.Http.Json;
using System.Text.Json;

namespace Reminders.App.Tests.Merchants;

/// <summary>What the merchant tests send: ids of their own and secrets of the right shape.</summary>
public static class MerchantApi
{
    public static string NewMerchantId() => "M-" + Guid.NewGuid().ToString("N")[..12];

    public static string NewSecret() => "whsec_" + Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray());

    public static Task<HttpResponseMessage> PutAsync(HttpClient admin, string merchantId, object body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/merchants/{merchantId}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return admin.SendAsync(request);
    }

    public static async Task<string?> FieldAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString();
}
