"""Cleaning candidates with crowd votes (paper Sec 3.2): a simulated worker pool, the
paper's confidence tables and dynamic consensus, baselines beside them, real votes (the ReaL
re-annotation of ILSVRC-2012, or a CSV), and the clean set handed to the later notebooks."""

from ..sources.votes_csv import (SkippedRow, TruthTable, VoteTable, match_truth, parse_columns, read_truth_csv,
                                read_votes_csv)
from .baselines import (SENSITIVITY_SETTINGS, VoteRecord, consensus_sensitivity, cost_precision,
                        dawid_skene, majority_vote, replay, votes_long)
from .claims import (record_clean_claims, record_cost_claims, record_fig4_claims, record_fig7_claims,
                     record_votes_claims)
from .consensus import (ACCEPT, REJECT, UNDECIDED, ConfidenceTable, ConsensusConfig, FitSynset,
                        SynsetConsensus, WorkerFit, confidence_table, decide, dynamic_consensus,
                        expected_table, fit_latent, fit_worker_model, table_from_votes)
from .pipeline import (CleanResult, clean_from_votes, clean_synset, clean_synsets, crowd_world,
                       fig4_precision, fig7_comparison, fig7_synsets, fig7_table, load_clean_set,
                       load_clean_summary, load_worker_model, precision_by_depth, sample_across_depths,
                       save_clean_set, save_worker_model, select_synsets, subtree_summary,
                       verify_clean_set, vote_matrices, vote_records, votes_by_depth)
from .real_claims import (record_csv_claims, record_maybe_claims, record_real_calibration_claims,
                          record_real_cost_claims, record_real_data_claims, record_real_depth_claims,
                          record_real_fig4_claims, record_real_fig7_claims)
from .real_votes import (FIG7_GROUPS, CsvResult, Fig7Real, RealData, ReplayResult, analyse_votes_csv,
                         load_real_data, real_fig7, real_replay, reliability)
from .workers import (MatrixVotes, SimulatedVotes, SynsetTask, WorkerModel, WorkerPool,
                      expected_yes_rate, make_task)

__all__ = [n for n in dir() if not n.startswith("_")]
