using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Reminders.App.Hosting;
using Reminders.App.Merchants;
using Reminders.Core.Orders;
using Reminders.Core.Settings;

namespace Reminders.App.Functions;

/// <summary>
/// GET /api/merchants/{merchantId}/policy/effective: the rules the merchant's next order is planned and sent with, field
/// by field, each with its source: <c>merchant</c> (its policy), <c>merchant profile</c> (its time zone),
/// <c>setting Reminders__...</c> (a global setting the app was given) or <c>default</c>. Read from storage, not the cache.
/// </summary>
public sealed class GetEffectivePolicy(MerchantTable table, MerchantPolicies policies, IConfiguration configuration)
{
    [Function(nameof(GetEffectivePolicy))]
    [EndpointSummary("A merchant's policy merged over the global settings, and where each value came from")]
    [Tags("Merchants")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    public async Task<Results<Ok<EffectivePolicyView>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/merchants/{merchantId}/policy/effective")] HttpRequest request,
        string merchantId, CancellationToken cancellationToken)
    {
        if (!OrderEventParser.IsValidId(merchantId)) return Problems.BadRequest("merchantId", "must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        var entry = await table.GetAsync(merchantId, cancellationToken);
        var effective = policies.Current(entry).Settings;
        var policy = entry?.Policy ?? MerchantPolicy.None;
        var values = MerchantPolicy.ValuesOf(effective);
        var fields = MerchantPolicy.Fields
            .Select(f => new EffectiveField(f.Field, values[f.Field], policy.Sets(f.Field) ? "merchant" : GlobalSource(f.Setting)))
            .Prepend(new EffectiveField("defaultTimeZone", effective.DefaultTimeZone,
                entry?.TimeZone is not null ? "merchant profile" : GlobalSource(ReminderSettingNames.DefaultTimeZone)))
            .ToList();
        return TypedResults.Ok(new EffectivePolicyView(merchantId, entry?.Policies.LastOrDefault()?.EffectiveFrom, fields));
    }

    private string GlobalSource(string? setting) =>
        setting is not null && configuration[setting.Replace("__", ":", StringComparison.Ordinal)] is not null ? "setting " + setting : "default";
}
