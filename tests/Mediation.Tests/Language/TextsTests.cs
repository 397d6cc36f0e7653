using System.Reflection;
using Mediation.Cases;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Language;

namespace Mediation.Tests.Language;

/// <summary>The Chinese the workbench shows for the service's messages is chosen by key, and no message or rule goes without it.</summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class TextsTests
{
    /// <summary>Every message of the catalogue, with its blanks filled by sample values.</summary>
    static IEnumerable<FieldMessage> Catalogue()
    {
        foreach (var property in typeof(FieldMessage).GetProperties(BindingFlags.Public | BindingFlags.Static))
            yield return (FieldMessage)property.GetValue(null)!;
        foreach (var method in typeof(FieldMessage).GetMethods(BindingFlags.Public | BindingFlags.Static)
                     .Where(m => m.ReturnType == typeof(FieldMessage) && !m.IsSpecialName && m.Name != nameof(FieldMessage.Refused)))
            yield return (FieldMessage)method.Invoke(null, method.GetParameters().Select(p => Sample(p.ParameterType)).ToArray())!;
    }

    static object? Sample(Type type) =>
        type == typeof(int) ? 7 : type == typeof(string) ? "x" : type == typeof(IEnumerable<string>) ? new[] { "a", "b" }
        : type == typeof(IEnumerable<long>) ? new[] { 3L, 4L } : null;

    [Fact]
    public void Every_field_message_and_every_refusal_rule_has_its_Chinese_and_the_table_has_nothing_else()
    {
        var messages = Catalogue().ToList();
        messages.Count.ShouldBeGreaterThan(50);
        messages.Select(m => m.Key).ShouldBeUnique();
        var keys = messages.Select(m => m.Key).Concat(Enum.GetValues<RefusalCode>().Select(FieldMessage.RuleKey)).ToList();
        foreach (var key in keys) Texts.Zh.MessageKeys.ShouldContain(key);
        Texts.Zh.MessageKeys.Order().ShouldBe(keys.Order());
        foreach (var message in messages) Texts.Zh.Message(message).ShouldNotContain("{");
    }

    [Fact]
    public void A_message_reworded_in_English_keeps_its_Chinese_and_its_blanks_are_filled()
    {
        Texts.Zh.Message(FieldMessage.Required with { Text = "must be given" }).ShouldBe("必填");
        Texts.Zh.Message(FieldMessage.AtMostCharacters(100)).ShouldBe("最多 100 个字符");
        Texts.En.Message(FieldMessage.AtMostCharacters(100)).ShouldBe("must be at most 100 characters");
        var refusal = new CaseRefusal.InvalidField("amount", RefusalCode.OnlyForAgreement, "is only for an agreement, as the API now says");
        Texts.Zh.Message(FieldMessage.Refused(refusal)).ShouldBe("仅达成协议时填写");
    }

    [Fact]
    public void A_refused_command_is_explained_by_its_rule_in_Chinese_and_by_the_API_in_English()
    {
        var state = new MediationCase { CaseNumber = "X-1", Status = CaseStatus.Assigned };
        var refusal = new CaseRefusal.NotAllowed("extend-deadline", state, RefusalCode.ExtensionLimit, "extensions may add at most 30 days", 30, 20);
        var outcome = CommandOutcome.Refused(Problems.Refused(refusal)) with { Refusal = refusal };

        Texts.Zh.Detail(outcome).ShouldBe("延期累计不能超过 30 天，已延期 20 天。");
        Texts.En.Detail(outcome)!.ShouldContain("extensions may add at most 30 days");
        // A refusal that is not a decision's has no rule: Chinese shows its headline alone, not the API's English.
        Texts.Zh.Detail(CommandOutcome.Refused(Problems.NotFound("There is no case."))).ShouldBeNull();
    }

    [Fact]
    public void Field_errors_keep_their_keys_on_the_way_to_the_page_but_not_in_the_answer()
    {
        var problem = Problems.Invalid(new Validation().Add("amount", FieldMessage.NotNegative));
        Problems.MessagesOf(problem)["amount"].ShouldBe([FieldMessage.NotNegative]);
        problem.Errors["amount"].ShouldBe(["must not be negative"]);
        // As the answer is written: by the problem's own type.
        var json = System.Text.Json.JsonSerializer.Serialize(problem, problem.GetType(), HttpJson.Options);
        json.ShouldContain("must not be negative");
        json.ShouldNotContain("Message.NotNegative");
    }
}
