using AiTradingBot.Core.Plans;
using FluentValidation;

namespace AiTradingBot.Core.Validation;

/// <summary>Validates every step of a plan with its action's validator; messages name the step when there are several.</summary>
public sealed class PlanValidator
{
    private readonly Dictionary<Type, IValidator> _validators;

    /// <summary>Creates the plan validator from the registered per-action validators.</summary>
    public PlanValidator(IEnumerable<IValidator> validators)
    {
        _validators = [];
        foreach (var v in validators)
        {
            var argsType = v.GetType().BaseType?.GetGenericArguments().FirstOrDefault();
            if (argsType is not null) _validators[argsType] = v;
        }
    }

    /// <summary>
    /// The plan validator over <c>IValidator&lt;TArgs&gt;</c> resolved from DI for every catalog action; throws when an
    /// action has none, so a new action cannot reach execution unvalidated (the host fails at start).
    /// </summary>
    public PlanValidator(IServiceProvider services, IEnumerable<Type> actionArgsTypes)
    {
        _validators = [];
        var missing = new List<string>();
        foreach (var type in actionArgsTypes)
        {
            if (services.GetService(typeof(IValidator<>).MakeGenericType(type)) is IValidator v) _validators[type] = v;
            else missing.Add(Catalog.ActionCatalog.For(type).Name);
        }
        if (missing.Count > 0)
            throw new InvalidOperationException($"Catalog action(s) without a validator: {string.Join(", ", missing)}. Register an IValidator<TArgs> for each.");
    }

    /// <summary>Checks every step against the market snapshot.</summary>
    public ValidationOutcome Validate(IReadOnlyList<PlanStep> steps, MarketSnapshot market)
    {
        List<string>? errors = null;
        for (var i = 0; i < steps.Count; i++)
        {
            if (!_validators.TryGetValue(steps[i].Args.GetType(), out var validator)) continue;
            var context = new ValidationContext<object>(steps[i].Args);
            context.RootContextData[Rules.MarketKey] = market;
            var result = validator.Validate(context);
            if (result.IsValid) continue;
            errors ??= [];
            foreach (var failure in result.Errors.Select(e => e.ErrorMessage).Distinct())
                errors.Add(steps.Count > 1 ? $"Step {i + 1} ({steps[i].Action}): {failure}" : failure);
        }
        return new ValidationOutcome(errors ?? (IReadOnlyList<string>)[]);
    }
}
