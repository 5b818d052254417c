"""A local stand-in for OpenAI's fine-tuning API: practice mode, and the server the tests use.

from desktop_app.core.practice_server import PracticeServer, Fault
"""

from desktop_app.core.practice_server.api import PracticeConfig
from desktop_app.core.practice_server.faults import Fault, FaultPlan
from desktop_app.core.practice_server.server import PracticeServer, RequestRecord

__all__ = ["Fault", "FaultPlan", "PracticeConfig", "PracticeServer", "RequestRecord"]
