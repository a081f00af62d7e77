"""Questions about two licenses at once: compatibility (with a published matrix's verdict),
comparison topic by topic, and what changed between two versions of one license.

``answer_pair`` is the one entry the answering service calls; everything it shows is an exact
span of an indexed document or a verdict that names its source.
"""

from licensebot.answering.pairs.handler import PairCommand, answer_pair, needs_both_texts, pair_command, pair_kind

__all__ = ["PairCommand", "answer_pair", "needs_both_texts", "pair_command", "pair_kind"]
