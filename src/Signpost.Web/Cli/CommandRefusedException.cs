using Signpost.Core.Administration;

namespace Signpost.Web.Cli;

/// <summary>
/// Ends a command with exit code 1 (<see cref="ExitCodes.Refused"/>) and its sentence on standard error. Only the
/// command line throws it, at its edge: services report what a person did wrong as an <see cref="AdminResult"/>,
/// and a command turns a failed one into this with <see cref="CommandResults.OrRefuse{T}"/>.
/// </summary>
public sealed class CommandRefusedException(string message) : Exception(message);
