using Reminders.Core.Notifications;
using Reminders.Core.Orders;

namespace Reminders.Core.Templates;

/// <summary>zh-CN. Buyer SMS fit one 70-character segment with a typical merchant name and short link.</summary>
internal sealed class ChineseTexts : ILocaleTexts
{
    public static readonly ChineseTexts Instance = new();

    public string Locale => TemplateLocales.ChineseSimplified;

    public string SmsOptOut => "回TD退订";

    public string BuyerEmailFooter(string merchant) => $"此邮件由{merchant}发送。如不想再收到此类提醒，可在账户设置中关闭。";

    public PaymentFailureWords Failure(string? code) => code switch
    {
        PaymentFailureReasons.InsufficientFunds => new("账户余额不足。", "请换一张卡或其他付款方式后重新付款。"),
        PaymentFailureReasons.CardDeclined => new("发卡银行拒绝了这笔付款。", "请联系发卡银行，或换一种付款方式重新付款。"),
        PaymentFailureReasons.ExpiredCard => new("银行卡已过期。", "请更新银行卡信息，或换一张卡重新付款。"),
        PaymentFailureReasons.AuthenticationRequired => new("这笔付款需要银行验证，验证未完成。", "请重新付款，并按提示完成银行验证（如短信验证码）。"),
        PaymentFailureReasons.ProcessingError => new("支付机构处理时出现临时故障。", "请稍后重新付款。"),
        _ => new("付款未成功。", "请重新付款，或换一种付款方式。"),
    };

    public PaymentFailureWords ShortFailure(string? code) => code switch
    {
        PaymentFailureReasons.InsufficientFunds => new("余额不足", "请换卡或换付款方式"),
        PaymentFailureReasons.CardDeclined => new("银行拒绝付款", "请联系银行或换付款方式"),
        PaymentFailureReasons.ExpiredCard => new("银行卡已过期", "请更新卡信息或换卡"),
        PaymentFailureReasons.AuthenticationRequired => new("银行验证未完成", "请重新付款并完成验证"),
        PaymentFailureReasons.ProcessingError => new("支付临时故障", "请稍后重试"),
        _ => new("付款未成功", "请重试或换付款方式"),
    };

    private static (string Status, string NextStep, string Short) Refund(RefundStatus status) => status switch
    {
        RefundStatus.Approved => ("商家已同意退款，款项正在退回。", "退回原付款方式通常需要几个工作日。", "商家已同意，正在退回"),
        RefundStatus.Processing => ("退款正在由支付机构处理。", "到账时间以银行为准。", "支付机构处理中"),
        RefundStatus.Failed => ("退款未能完成。", "请联系商家重新办理退款。", "未能完成，请联系商家"),
        RefundStatus.Completed => ("退款已完成。", "如未看到到账，请联系发卡银行。", "已完成"),
        _ => ("退款申请已提交，正在等待商家处理。", "我们已提醒商家尽快处理。", "等待商家处理"),
    };

    public MessageParts Buyer(ReminderKind kind, TemplateValues v)
    {
        var sign = $"【{v.Merchant}】";
        switch (kind)
        {
            case ReminderKind.PaymentDue:
                return new(
                    $"订单{v.OrderId}待付款",
                    v.DueAt is null ? $"{v.Merchant}的订单{v.Amount}还未付款，请尽快完成付款。" : $"{v.Merchant}的订单{v.Amount}还未付款，请在{v.DueAt}前完成付款。",
                    $"{sign}订单尾号{v.OrderTail}待付款{v.Amount}，请付款",
                    [
                        $"您在{v.Merchant}的订单{v.OrderId}还未付款，应付金额{v.Amount}。",
                        v.DueAt is null ? "请尽快完成付款，逾期订单将自动取消。" : $"请在{v.DueAt}前完成付款，逾期订单将自动取消。",
                    ],
                    "立即付款");
            case ReminderKind.ConfirmReceipt:
                return new(
                    $"请确认收货：订单{v.OrderId}",
                    $"{v.Merchant}的订单已送达，收到商品后请确认收货。",
                    $"{sign}订单尾号{v.OrderTail}已送达，请确认收货",
                    [
                        $"您在{v.Merchant}的订单{v.OrderId}已送达。收到商品后，请确认收货。",
                        v.DueAt is null ? $"如商品有问题，请联系{v.Merchant}。" : $"如未操作，订单将于{v.DueAt}自动确认收货。如商品有问题，请联系{v.Merchant}。",
                    ],
                    "确认收货");
            case ReminderKind.PayLaterDue:
                return new(
                    $"先用后付账单：订单{v.OrderId}",
                    v.DueAt is null ? $"{v.Merchant}先用后付订单应付{v.Amount}，请按时付款。" : $"{v.Merchant}先用后付订单应付{v.Amount}，到期日{v.DueAt}。",
                    v.DueAt is null ? $"{sign}先用后付账单{v.Amount}待付款，请付款" : $"{sign}先用后付{v.Amount}于{v.DueDate}到期，请付款",
                    [
                        v.DueAt is null
                            ? $"您在{v.Merchant}的先用后付订单{v.OrderId}应付{v.Amount}。"
                            : $"您在{v.Merchant}的先用后付订单{v.OrderId}应付{v.Amount}，到期日为{v.DueAt}。",
                        "请按时付款，以免影响您继续使用先用后付。",
                    ],
                    "去付款");
            case ReminderKind.PaymentFailed:
            {
                var words = Failure(v.FailureCode);
                var brief = ShortFailure(v.FailureCode);
                return new(
                    $"订单{v.OrderId}付款未成功",
                    $"{v.Amount}付款未成功：{brief.Reason}，{brief.NextStep}。",
                    $"{sign}付款未成功：{brief.Reason}，{brief.NextStep}",
                    [$"您为{v.Merchant}订单{v.OrderId}支付的{v.Amount}未成功：{words.Reason}", words.NextStep],
                    "重新付款");
            }
            case ReminderKind.RefundStalled:
            {
                var refund = Refund(v.Refund);
                return new(
                    $"退款进度：订单{v.OrderId}",
                    $"{v.Merchant}订单退款{v.Amount}：{refund.Short}。",
                    $"{sign}您的退款{v.Amount}{refund.Short}，详情",
                    [$"您在{v.Merchant}的订单{v.OrderId}申请的退款{v.Amount}：{refund.Status}", refund.NextStep],
                    "查看退款");
            }
            default:
                throw new ArgumentException($"{kind.ToWire()} has no buyer message.", nameof(kind));
        }
    }

    public MessageParts Merchant(ReminderKind kind, TemplateValues v)
    {
        switch (kind)
        {
            case ReminderKind.SettlementMissing:
            {
                var by = v.DueAt is null ? "在规定时间内" : $"截至{v.DueAt}";
                return new(
                    $"结算未到账：订单{v.OrderId}",
                    $"订单{v.OrderId}显示已付款{v.Amount}，结算款{by}仍未到账。",
                    $"结算未到账：订单{v.OrderId}已付款{v.Amount}，结算款{by}仍未到账，请核对",
                    [
                        $"订单{v.OrderId}（买家{v.BuyerLabel}）的{v.Amount}支付网关显示已付款成功，但结算款{by}仍未到账。",
                        "请在支付网关后台核对这笔交易的结算状态。",
                    ],
                    "查看订单");
            }
            case ReminderKind.PaymentWindowExpired:
            {
                var by = v.DueAt is null ? "付款期限内" : $"{v.DueAt}前";
                return new(
                    $"订单{v.OrderId}付款已超时",
                    $"订单{v.OrderId}（{v.Amount}）未在{by}付款。",
                    $"订单{v.OrderId}（{v.Amount}）未在{by}付款，付款期限已过",
                    [
                        $"订单{v.OrderId}（{v.Amount}，买家{v.BuyerLabel}）未在{by}付款，付款期限已过。",
                        "可按需取消订单或联系买家。",
                    ],
                    "查看订单");
            }
            case ReminderKind.AutoConfirmDue:
            {
                var at = v.DueAt is null ? "" : $"（{v.DueAt}）";
                return new(
                    $"订单{v.OrderId}已到自动确认收货时间",
                    $"订单{v.OrderId}已到自动确认收货时间{at}。",
                    $"订单{v.OrderId}（{v.Amount}）买家未确认收货，已到自动确认时间{at}",
                    [
                        $"订单{v.OrderId}（{v.Amount}，买家{v.BuyerLabel}）已送达，买家未确认收货，自动确认收货时间{at}已到。",
                        "请按平台规则完成自动确认收货。",
                    ],
                    "查看订单");
            }
            case ReminderKind.RefundStalled:
            {
                var refund = Refund(v.Refund);
                var by = v.DueAt is null ? "在规定时间内" : $"截至{v.DueAt}";
                return new(
                    $"退款未完成：订单{v.OrderId}",
                    $"订单{v.OrderId}的退款{v.Amount}{by}仍未完成。",
                    $"退款未完成：订单{v.OrderId}退款{v.Amount}{by}仍未完成，请尽快处理",
                    [
                        $"订单{v.OrderId}（买家{v.BuyerLabel}）的退款{v.Amount}{by}仍未完成。当前状态：{refund.Short}。",
                        "请尽快处理，以免买家投诉。",
                    ],
                    "处理退款");
            }
            default:
                throw new ArgumentException($"{kind.ToWire()} has no merchant alert.", nameof(kind));
        }
    }
}
