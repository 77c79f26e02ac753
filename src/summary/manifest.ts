/**
 * The documented contract (`../shared/spec/SCHEMA_SUMMARY.md`) as data. Facts only: no judgement,
 * no I/O. The parser must reproduce this object exactly from the document, so a change to either
 * one without the other fails `tests/unit/summary-parse.test.ts`.
 *
 * The lists are the contract. The header's own counts (47 tables, 22 enum types) disagree with the
 * lists (50, 21); they are kept in `headerClaims` verbatim so `verify` can report the miscount as a
 * documentation warning instead of silently "fixing" either side.
 */

export interface PgGroup {
  /** The "### Name (N)" heading text, e.g. "User Management". */
  name: string;
  /** The N the heading declares, which need not equal `tables.length`. */
  declaredCount: number;
  /** Table names in document order. */
  tables: string[];
  /** The one-line purpose each item gives, by table name. */
  purposes: Record<string, string>;
}

export interface EnumDef {
  name: string;
  /** Labels in document order: PostgreSQL enum order is meaningful (comparisons, ORDER BY). */
  labels: string[];
}

export interface MongoCollectionDef {
  name: string;
  purpose?: string;
  /** Present only where the summary annotates "(N-day TTL)". */
  ttlDays?: number;
}

export interface S3AssetType {
  name: string;
  /** Key prefix as written, with its trailing slash, e.g. "users/profiles/". */
  prefix: string;
}

export interface HeaderClaims {
  pgTables: number;
  mongoCollections: number;
  enumTypes: number;
  s3AssetTypes: number;
}

export interface Manifest {
  headerClaims: HeaderClaims;
  pgGroups: PgGroup[];
  enums: EnumDef[];
  mongoCollections: MongoCollectionDef[];
  s3AssetTypes: S3AssetType[];
}

export const MANIFEST: Manifest = deepFreeze<Manifest>({
  headerClaims: { pgTables: 47, mongoCollections: 10, enumTypes: 22, s3AssetTypes: 11 },
  pgGroups: [
    {
      name: 'User Management',
      declaredCount: 8,
      tables: ['users', 'students', 'companies', 'admins', 'instructors', 'mentors', 'notifications', 'notification_preferences'],
      purposes: {
        users: 'Master authentication',
        students: 'Student profiles',
        companies: 'Company profiles',
        admins: 'Admin users',
        instructors: 'Course creators',
        mentors: '1:1 session providers',
        notifications: 'User notifications',
        notification_preferences: 'Notification settings',
      },
    },
    {
      name: 'Skills & Categories',
      declaredCount: 4,
      tables: ['skills', 'skill_synonyms', 'student_skills', 'categories'],
      purposes: {
        skills: 'Master skills',
        skill_synonyms: 'Skill aliases',
        student_skills: 'Student-skill mapping',
        categories: 'Hierarchical categories',
      },
    },
    {
      name: 'Course Management',
      declaredCount: 12,
      tables: ['courses', 'course_skills', 'course_prerequisites', 'modules', 'lessons', 'quizzes', 'quiz_questions', 'flashcard_decks', 'flashcards', 'course_reviews', 'enrollments', 'lesson_progress'],
      purposes: {
        courses: 'Course metadata',
        course_skills: 'Course-skill mapping',
        course_prerequisites: 'Course dependencies',
        modules: 'Course sections',
        lessons: 'Individual lessons',
        quizzes: 'Quiz metadata',
        quiz_questions: 'Quiz questions',
        flashcard_decks: 'Flashcard collections',
        flashcards: 'Individual cards',
        course_reviews: 'Student reviews',
        enrollments: 'Course enrollments',
        lesson_progress: 'Lesson progress',
      },
    },
    {
      name: 'Assessments',
      declaredCount: 1,
      tables: ['quiz_attempts'],
      purposes: {
        quiz_attempts: 'Quiz attempts',
      },
    },
    {
      name: 'Materials',
      declaredCount: 2,
      tables: ['materials', 'material_downloads'],
      purposes: {
        materials: 'Downloadable resources',
        material_downloads: 'Download tracking',
      },
    },
    {
      name: 'Webinars',
      declaredCount: 2,
      tables: ['webinars', 'webinar_registrations'],
      purposes: {
        webinars: 'Live events',
        webinar_registrations: 'Registrations',
      },
    },
    {
      name: 'Mentorship',
      declaredCount: 2,
      tables: ['mentor_sessions', 'mentor_reviews'],
      purposes: {
        mentor_sessions: 'Booked sessions',
        mentor_reviews: 'Session reviews',
      },
    },
    {
      name: 'Jobs & Applications',
      declaredCount: 5,
      tables: ['jobs', 'job_skills', 'applications', 'application_status_history', 'interview_slots'],
      purposes: {
        jobs: 'Job postings',
        job_skills: 'Required skills',
        applications: 'Student applications',
        application_status_history: 'Status audit',
        interview_slots: 'Scheduled interviews',
      },
    },
    {
      name: 'Referrals & Placements',
      declaredCount: 3,
      tables: ['referral_contacts', 'placement_packages', 'student_placements'],
      purposes: {
        referral_contacts: 'Company referrals',
        placement_packages: 'Placement services',
        student_placements: 'Student enrollments',
      },
    },
    {
      name: 'Badges & Portfolios',
      declaredCount: 4,
      tables: ['badges', 'student_badges', 'student_portfolios', 'portfolio_skills'],
      purposes: {
        badges: 'Achievement badges',
        student_badges: 'Earned badges',
        student_portfolios: 'Portfolio projects',
        portfolio_skills: 'Project skills',
      },
    },
    {
      name: 'Payments',
      declaredCount: 2,
      tables: ['payments', 'company_candidate_billing'],
      purposes: {
        payments: 'All transactions',
        company_candidate_billing: 'Per-candidate billing',
      },
    },
    {
      name: 'Vector Search',
      declaredCount: 3,
      tables: ['student_embeddings', 'job_embeddings', 'admin_match_recommendations'],
      purposes: {
        student_embeddings: 'Student vectors',
        job_embeddings: 'Job vectors',
        admin_match_recommendations: 'AI matches',
      },
    },
    {
      name: 'System',
      declaredCount: 2,
      tables: ['system_settings', 'audit_logs'],
      purposes: {
        system_settings: 'Configuration',
        audit_logs: 'Security audit',
      },
    },
  ],
  enums: [
    { name: 'user_type', labels: ['student', 'company', 'admin', 'instructor', 'mentor'] },
    { name: 'user_status', labels: ['active', 'inactive', 'suspended', 'pending_verification'] },
    { name: 'difficulty_level', labels: ['beginner', 'intermediate', 'advanced'] },
    { name: 'content_type', labels: ['video', 'text', 'pdf', 'audio', 'image', 'quiz', 'flashcard', 'scorm_package', 'external_link'] },
    { name: 'question_type', labels: ['multiple_choice', 'true_false', 'short_answer', 'multiple_select'] },
    { name: 'enrollment_status', labels: ['in_progress', 'completed', 'dropped', 'expired'] },
    { name: 'payment_status', labels: ['pending', 'completed', 'failed', 'refunded', 'cancelled'] },
    { name: 'payment_type', labels: ['course_purchase', 'webinar_purchase', 'material_purchase', 'mentor_session', 'referral_package', 'placement_package', 'subscription', 'company_candidate_fee'] },
    { name: 'pricing_model', labels: ['free', 'one_time', 'subscription'] },
    { name: 'employment_type', labels: ['full_time', 'part_time', 'contract', 'internship', 'freelance'] },
    { name: 'remote_type', labels: ['remote', 'on_site', 'hybrid'] },
    { name: 'application_status', labels: ['pending_admin_review', 'admin_shortlisted', 'rejected_by_admin', 'forwarded_to_company', 'under_company_review', 'interview_scheduled', 'interview_completed', 'offer_extended', 'offer_accepted', 'offer_rejected', 'hired', 'rejected_by_company', 'withdrawn'] },
    { name: 'candidate_stage', labels: ['new_candidates', 'under_review', 'interviewing', 'offer_extended', 'hired', 'rejected'] },
    { name: 'job_status', labels: ['draft', 'active', 'paused', 'closed', 'filled'] },
    { name: 'webinar_status', labels: ['scheduled', 'live', 'completed', 'cancelled'] },
    { name: 'registration_status', labels: ['registered', 'attended', 'cancelled', 'no_show'] },
    { name: 'session_status', labels: ['scheduled', 'completed', 'cancelled', 'no_show', 'rescheduled'] },
    { name: 'referral_status', labels: ['pending', 'contacted', 'interested', 'not_interested', 'converted'] },
    { name: 'placement_status', labels: ['active', 'completed', 'expired', 'cancelled'] },
    { name: 'notification_type', labels: ['course_update', 'job_match', 'application_update', 'webinar_reminder', 'payment_confirmation', 'mentor_session', 'referral_update', 'system_announcement'] },
    { name: 'admin_role', labels: ['super_admin', 'content_manager', 'recruitment_manager', 'finance_manager', 'support_admin'] },
  ],
  mongoCollections: [
    { name: 'learning_progress', purpose: 'Granular activity tracking' },
    { name: 'xapi_statements', purpose: 'xAPI/LRS statements' },
    { name: 'flashcard_progress', purpose: 'Spaced repetition data' },
    { name: 'analytics_aggregates', purpose: 'Pre-computed analytics' },
    { name: 'user_sessions', purpose: 'Session tracking', ttlDays: 90 },
    { name: 'resume_analysis', purpose: 'Parsed resume data' },
    { name: 'search_logs', purpose: 'Search queries', ttlDays: 180 },
    { name: 'notification_queue', purpose: 'Real-time notifications', ttlDays: 7 },
    { name: 'event_log', purpose: 'Event-driven events', ttlDays: 30 },
    { name: 'course_engagement', purpose: 'Content engagement heatmaps' },
  ],
  s3AssetTypes: [
    { name: 'Profile Pictures', prefix: 'users/profiles/' },
    { name: 'Student Resumes', prefix: 'users/resumes/' },
    { name: 'Company Logos', prefix: 'companies/logos/' },
    { name: 'Course Thumbnails', prefix: 'courses/thumbnails/' },
    { name: 'Lesson PDFs', prefix: 'courses/content/' },
    { name: 'Lesson Audio', prefix: 'courses/content/' },
    { name: 'Lesson Images', prefix: 'courses/content/' },
    { name: 'SCORM Packages', prefix: 'courses/scorm/' },
    { name: 'Materials', prefix: 'materials/' },
    { name: 'Portfolio Images', prefix: 'portfolios/' },
    { name: 'Certificates', prefix: 'certificates/' },
  ],
});

/** Every documented table name, in document order (50 for the shipped summary). */
export function allTables(m: Manifest): string[] {
  return m.pgGroups.flatMap((g) => g.tables);
}

/** The group a table is listed under, or undefined when the summary does not list it. */
export function groupOf(m: Manifest, table: string): string | undefined {
  return m.pgGroups.find((g) => g.tables.includes(table))?.name;
}

/** One enum's labels in order; the other stores reuse them so a status means the same everywhere. */
export function enumLabels(m: Manifest, name: string): readonly string[] {
  const e = m.enums.find((x) => x.name === name);
  if (!e) throw new Error(`the contract has no enum "${name}"`);
  return e.labels;
}

/** MongoDB's `expireAfterSeconds` for a TTL the summary states in days. */
export function ttlSeconds(days: number): number {
  return days * 86_400;
}

/**
 * The distinct prefixes in document order, each with the asset types stored under it. Several asset
 * types share one prefix (three under "courses/content/"), and the bucket holds one marker per prefix.
 */
export function uniquePrefixes(m: Manifest): Array<{ prefix: string; assetTypes: string[] }> {
  const byPrefix = new Map<string, string[]>();
  for (const a of m.s3AssetTypes) {
    const list = byPrefix.get(a.prefix) ?? [];
    list.push(a.name);
    byPrefix.set(a.prefix, list);
  }
  return [...byPrefix].map(([prefix, assetTypes]) => ({ prefix, assetTypes }));
}

// Frozen so a consumer that sorts or edits "its" list cannot change the contract for everyone else.
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
