using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Systems;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiTradingBot.Core.Language;

/// <summary>
/// The interpreter the assistant uses: slash commands go to <see cref="SlashCommandParser"/>; free text goes to the
/// <see cref="OfflineParser"/> and, when a model is configured, to the model (first in primary mode; only for what the
/// offline parser could not plan in fallback mode). A failing model never surfaces: the offline result stands.
/// Messages the offline parser deliberately refused (negations, hypotheticals, advice, questions about state-changing
/// actions, over-long input) are never handed to the model, so a model cannot turn "don't stop alpha" into a stop.
/// </summary>
public sealed partial class InterpreterChain : IInterpreter
{
    private readonly OfflineParser _offline;
    private readonly SlashCommandParser _slash;
    private readonly ILanguageModelInterpreter? _model;
    private readonly ILogger _logger;

    /// <summary>A chain over the configured systems, with an optional language model.</summary>
    public InterpreterChain(SystemRegistry systems, ILanguageModelInterpreter? model = null, ILogger<InterpreterChain>? logger = null)
        : this(new OfflineParser(systems), new SlashCommandParser(systems), model, logger)
    {
    }

    /// <summary>A chain over given parsers, with an optional language model.</summary>
    public InterpreterChain(OfflineParser offline, SlashCommandParser slash, ILanguageModelInterpreter? model = null, ILogger<InterpreterChain>? logger = null)
    {
        _offline = offline ?? throw new ArgumentNullException(nameof(offline));
        _slash = slash ?? throw new ArgumentNullException(nameof(slash));
        _model = model is { Mode: not LanguageModelMode.Off } ? model : null;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public async ValueTask<Plan> InterpretAsync(InterpretRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = request.Text ?? "";
        if (SlashCommandParser.IsSlashCommand(text)) return _slash.Parse(text, request.Context);

        var offline = _offline.ParseWithVerdict(text, request.Context);
        if (_model is null || offline.Refused) return offline.Plan;

        if (_model.Mode == LanguageModelMode.Primary)
            return await TryModelAsync(request, ct).ConfigureAwait(false) ?? offline.Plan;

        if (offline.Plan.Kind == PlanKind.Plan) return offline.Plan;
        var model = await TryModelAsync(request, ct).ConfigureAwait(false);
        return model is null || model.Kind == PlanKind.None ? offline.Plan : model;
    }

    private async ValueTask<Plan?> TryModelAsync(InterpretRequest request, CancellationToken ct)
    {
        try
        {
            return await _model!.InterpretAsync(request, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any model failure falls back to the offline result by design.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogModelFailed(_logger, _model!.Description, e.GetType().Name, e);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Language model {Model} failed ({Error}); using the offline parser's result")]
    private static partial void LogModelFailed(ILogger logger, string model, string error, Exception exception);
}
