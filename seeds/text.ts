import type { Rng } from './core';

/**
 * Texts a reader would believe: short templates about the platform's own subjects (skills, courses,
 * jobs, companies, places) instead of lorem ipsum. Every function is a pure function of its Rng and
 * arguments; templates are picked and filled, never generated word by word, so they stay cheap.
 */

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r.next() * xs.length)];
export const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const list = (xs: readonly string[]): string => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

export const TRACK_LABEL: Readonly<Record<string, string>> = {
  frontend: 'frontend',
  backend: 'backend',
  data: 'data',
  devops: 'DevOps',
  mobile: 'mobile',
  design: 'product design',
};
const ROLE: Readonly<Record<string, readonly string[]>> = {
  frontend: ['Frontend Developer', 'Frontend Engineer', 'UI Engineer', 'Web Developer'],
  backend: ['Backend Developer', 'Backend Engineer', 'Software Engineer', 'API Developer'],
  data: ['Data Analyst', 'Data Engineer', 'Data Scientist', 'Analytics Engineer'],
  devops: ['DevOps Engineer', 'Site Reliability Engineer', 'Platform Engineer', 'Cloud Engineer'],
  mobile: ['Mobile Developer', 'iOS Developer', 'Android Developer', 'Mobile Engineer'],
  design: ['Product Designer', 'UX Designer', 'UI Designer', 'Interaction Designer'],
};
export const SENIORITY = ['Junior', 'Mid-level', 'Senior', 'Lead'] as const;

/** A real-sounding job title for a track, e.g. "Senior Backend Engineer (Go)". */
export function jobTitle(r: Rng, track: string, skill: string, seniority: string): string {
  const role = pick(r, ROLE[track]);
  return r.bool(0.5) ? `${seniority} ${role}` : `${seniority} ${role} (${skill})`;
}

export function roleOf(r: Rng, track: string): string {
  return pick(r, ROLE[track]);
}

// ---------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------

const INTERESTS = [
  'I enjoy turning vague requirements into small, testable steps.',
  'Lately I have been focusing on writing code that is easy to review.',
  'I like working in small teams where feedback is quick.',
  'Outside work I contribute to open-source documentation.',
  'I learn best by building side projects and shipping them.',
  'I care about accessibility and about software that is pleasant to use.',
  'Pairing with more experienced engineers taught me most of what I know.',
  'I am comfortable presenting my work to non-technical stakeholders.',
];
const GOALS = [
  'I am looking for a role where I can grow into a senior position.',
  'My next goal is to work on a product with real users at scale.',
  'I would like to join a team that values mentoring.',
  'I am open to remote and hybrid positions.',
  'Right now I am preparing for certification and a first full-time role.',
  'I want to move from freelance projects to a product company.',
];

export function studentBio(r: Rng, p: { track: string; skills: string[]; city: string; years: number }): string {
  const exp = p.years < 1 ? 'just starting out' : `with ${Math.round(p.years)} year${Math.round(p.years) === 1 ? '' : 's'} of experience`;
  return `${cap(TRACK_LABEL[p.track])} developer based in ${p.city}, ${exp} in ${list(p.skills.slice(0, 2))}. ${pick(r, INTERESTS)} ${pick(r, GOALS)}`;
}

export function instructorBio(r: Rng, p: { track: string; skill: string; years: number }): string {
  return `${cap(TRACK_LABEL[p.track])} practitioner with ${p.years} years in industry, teaching ${p.skill} since ${pick(r, ['a bootcamp job', 'a conference talk that got out of hand', 'mentoring junior colleagues', 'writing a popular blog series'])}. ${pick(r, [
    'Courses are built around real projects rather than slides.',
    'Every module ends with an exercise you can put in your portfolio.',
    'Expect clear explanations, honest trade-offs and plenty of practice.',
    'The focus is on habits that still matter after the framework changes.',
  ])}`;
}

export function mentorBio(r: Rng, p: { track: string; skill: string; years: number; company: string }): string {
  return `${p.years} years as a ${TRACK_LABEL[p.track]} engineer, most recently at ${p.company}. ${pick(r, [
    `I help with ${p.skill} interviews, code reviews and career moves.`,
    `Happy to review your ${p.skill} projects and CV before you apply.`,
    `Sessions usually cover system design, ${p.skill} and salary negotiation.`,
    `I mentor people switching careers into ${TRACK_LABEL[p.track]} roles.`,
  ])}`;
}

const INDUSTRY_PRODUCT: Readonly<Record<string, string>> = {
  Software: 'developer tools used by engineering teams',
  Fintech: 'payment and banking software',
  Healthcare: 'software for clinics and patients',
  'E-commerce': 'online retail and marketplace software',
  Education: 'learning platforms for schools and companies',
  Logistics: 'route planning and warehouse software',
  Media: 'publishing and streaming products',
  Consulting: 'custom software for enterprise clients',
  Gaming: 'mobile and browser games',
  Energy: 'monitoring software for the energy transition',
};
export const INDUSTRIES = Object.keys(INDUSTRY_PRODUCT);

export function companyDescription(r: Rng, p: { name: string; industry: string; city: string; size: string }): string {
  return `${p.name} builds ${INDUSTRY_PRODUCT[p.industry]}. Headquartered in ${p.city}, the company employs ${p.size} people. ${pick(r, [
    'We hire for curiosity and teach the rest.',
    'Engineering works in small product teams with their own roadmaps.',
    'Most teams work hybrid, with two office days a week.',
    'We offer a yearly learning budget and paid conference days.',
  ])}`;
}

// ---------------------------------------------------------------------------------------------
// Courses and content
// ---------------------------------------------------------------------------------------------

export const TOPICS = [
  'Getting started',
  'Core concepts',
  'Working with data',
  'Testing and debugging',
  'Performance',
  'Security basics',
  'Tooling and workflow',
  'Deployment',
  'Best practices',
  'Capstone project',
] as const;

export function courseSubtitle(r: Rng, skill: string): string {
  return pick(r, [
    `Learn ${skill} step by step with hands-on projects`,
    `Everything you need to use ${skill} confidently at work`,
    `From first steps to production-ready ${skill}`,
    `Practical ${skill} for developers who want to ship`,
  ]);
}

export function courseDescription(r: Rng, p: { skill: string; skills: string[]; level: string; modules: number }): string {
  return `This ${p.level} course covers ${list(p.skills)} in ${p.modules} modules. ${pick(r, [
    'Each module mixes short lessons with exercises and ends with a quiz.',
    'You will build a small project along the way and review it against a checklist.',
    'Lessons are short, practical and come with downloadable notes.',
  ])} ${pick(r, [
    `By the end you can use ${p.skill} on a real codebase.`,
    `It prepares you for ${p.skill} questions in technical interviews.`,
    `No prior ${p.skill} experience is needed, only curiosity.`,
  ])}`;
}

export function moduleDescription(r: Rng, skill: string, topic: string): string {
  return pick(r, [`${topic} with ${skill}, explained with examples.`, `How ${skill} handles ${topic.toLowerCase()}, and the mistakes to avoid.`, `${topic}: the ${skill} features you will use every week.`]);
}

export function lessonTitle(r: Rng, type: string, skill: string, topic: string): string {
  if (type === 'quiz') return `${topic}: check your understanding`;
  const what = pick(r, ['Introduction', 'Walkthrough', 'Worked example', 'Common pitfalls', 'Exercise', 'Summary']);
  const medium: Record<string, string> = { pdf: 'notes', audio: 'podcast', image: 'diagram', external_link: 'further reading', flashcard: 'flashcards', scorm_package: 'interactive lab', text: 'reading', video: 'video' };
  return `${topic} in ${skill}: ${what.toLowerCase()} (${medium[type] ?? type})`;
}

export function lessonText(r: Rng, skill: string, topic: string): string {
  return `In this lesson we look at ${topic.toLowerCase()} in ${skill}. ${pick(r, [
    'Start by reading the example, then change one thing at a time and observe the result.',
    'The key idea is to keep each step small enough that you can test it on its own.',
    'We compare two approaches and discuss when each of them is the better choice.',
  ])} ${pick(r, ['Take notes of the questions you still have; the quiz at the end of the module revisits them.', 'Try the exercise before reading the solution.', 'The summary at the end lists the commands used.'])}`;
}

export const GLOSSARY: ReadonlyArray<readonly [string, string]> = [
  ['idempotency', 'An operation that has the same effect whether it runs once or many times.'],
  ['a race condition', 'A bug where the result depends on the timing of concurrent operations.'],
  ['technical debt', 'The future cost of choosing a quick solution over a better one today.'],
  ['a pure function', 'A function whose result depends only on its inputs and that has no side effects.'],
  ['caching', 'Keeping the result of expensive work so that later requests can reuse it.'],
  ['a regression test', 'A test that guards against a fixed bug coming back.'],
  ['latency', 'The time between a request and the start of its response.'],
  ['throughput', 'How much work a system completes per unit of time.'],
  ['a feature flag', 'A switch that turns a feature on or off without a new deployment.'],
  ['continuous integration', 'Merging and testing changes automatically many times a day.'],
  ['an index', 'A data structure that lets a database find rows without scanning a whole table.'],
  ['a migration', 'A versioned change to a database schema, applied in order.'],
  ['observability', 'Being able to tell what a system is doing from its logs, metrics and traces.'],
  ['accessibility', 'Designing so that people with disabilities can use the product.'],
  ['a code review', 'A colleague reading a change before it is merged.'],
  ['refactoring', 'Changing the structure of code without changing its behaviour.'],
  ['a design system', 'A shared set of components and rules that keeps interfaces consistent.'],
  ['backpressure', 'A way for a slow consumer to tell a fast producer to wait.'],
  ['eventual consistency', 'Replicas may disagree for a while but converge when updates stop.'],
  ['a container', 'A packaged process with its own file system and dependencies.'],
];

/** A quiz question: prompt plus four option texts, the first of which is the correct one. */
export function questionText(r: Rng, skill: string, topic: string): { prompt: string; right: string; wrong: string[] } {
  const [term, meaning] = pick(r, GLOSSARY);
  const others = GLOSSARY.filter(([t]) => t !== term);
  const wrong = [0, 1, 2].map(() => pick(r, others)[1]);
  return { prompt: pick(r, [`In the context of ${topic.toLowerCase()} with ${skill}, what is ${term}?`, `Which definition of ${term} is correct?`, `A teammate mentions ${term} during a ${skill} review. What do they mean?`]), right: meaning, wrong };
}

export function explanation(r: Rng, skill: string): string {
  return pick(r, [`Revisit the module's worked example if this was unclear.`, `This comes up often when working with ${skill} in production.`, `The lesson summary lists this definition.`]);
}

// ---------------------------------------------------------------------------------------------
// Reviews, notes, feedback
// ---------------------------------------------------------------------------------------------

const REVIEW_TITLES: ReadonlyArray<readonly string[]> = [
  ['Not what I expected', 'Too shallow', 'Disappointing'],
  ['Needs work', 'Some good parts', 'Uneven'],
  ['Decent overview', 'Okay for beginners', 'Solid but slow'],
  ['Very practical', 'Good course', 'Worth the time'],
  ['Excellent course', 'Exactly what I needed', 'Best course on the topic'],
];
const REVIEW_BODIES: ReadonlyArray<readonly string[]> = [
  ['The examples were outdated and several exercises did not work.', 'I expected more depth; most lessons repeat the documentation.'],
  ['Some modules are good, others feel rushed.', 'The quizzes test details that the lessons never cover.'],
  ['A reasonable introduction, though the pace could be faster.', 'Good for the basics; I had to look elsewhere for advanced topics.'],
  ['Clear explanations and realistic exercises. I use what I learned at work.', 'The project at the end tied everything together nicely.'],
  ['The instructor explains trade-offs instead of just syntax. Highly recommended.', 'I finally understand the topic. The exercises were challenging but fair.'],
];

export function reviewTitle(r: Rng, rating: number): string {
  return pick(r, REVIEW_TITLES[rating - 1]);
}
export function reviewBody(r: Rng, rating: number, skill: string): string {
  return `${pick(r, REVIEW_BODIES[rating - 1])} ${rating >= 4 ? `My ${skill} skills improved noticeably.` : rating <= 2 ? `I would not recommend it for learning ${skill}.` : `Fine if you are new to ${skill}.`}`;
}

export function mentorReviewComment(r: Rng, rating: number): string {
  return pick(r, rating >= 4 ? ['Very helpful session, got concrete advice on my CV.', 'Great mock interview with honest feedback.', 'Clear, kind and well prepared.'] : rating === 3 ? ['Useful, but we ran out of time.', 'Good advice, a bit generic.'] : ['The mentor seemed unprepared.', 'Not much I could act on.']);
}

export function coverLetter(r: Rng, p: { company: string; title: string; skills: string[]; first: string }): string {
  return `Dear ${p.company} team, I am applying for the ${p.title} position. I have worked with ${list(p.skills.slice(0, 2))} ${pick(r, ['in personal projects and a recent internship', 'for the past few years', 'through the courses on this platform and freelance work'])}. ${pick(r, ['I would love to learn more about the team.', 'I am available to start within a month.', 'My portfolio shows two projects relevant to this role.'])} Best regards, ${p.first}`;
}

export function adminNote(r: Rng, skill: string, forwarded: boolean): string {
  return forwarded ? pick(r, [`Strong ${skill} background, forwarded.`, 'Profile complete, portfolio matches the role.', 'Good fit for the seniority level.']) : pick(r, ['Missing required experience.', `Not enough ${skill} experience for this role.`, 'Profile incomplete; asked the candidate to update it.']);
}

export function companyNote(r: Rng): string {
  return pick(r, ['Promising profile, schedule a first call.', 'Hiring manager reviewed the portfolio.', 'Salary expectations within range.', 'Second opinion requested from the team lead.']);
}

export function interviewFeedback(r: Rng, skill: string, rating: number): string {
  return rating >= 4 ? pick(r, [`Solid ${skill} fundamentals and clear communication.`, 'Structured problem solving, good questions about the team.']) : rating === 3 ? pick(r, ['Good basics, needs more production experience.', `Mixed: strong on ${skill}, weaker on system design.`]) : pick(r, ['Struggled with the practical exercise.', 'Communication was unclear.']);
}

export function sessionTopic(r: Rng, skill: string): string {
  return pick(r, [`${skill} interview preparation`, `Code review: ${skill} project`, 'CV and portfolio review', `Career path in ${skill}`, 'Salary negotiation']);
}
export function sessionAgenda(r: Rng): string {
  return pick(r, ['Go through my last take-home assignment.', 'Mock technical interview, 45 minutes, then feedback.', 'Review my CV and LinkedIn profile.', 'Plan the next six months of learning.']);
}
export function mentorNotes(r: Rng): string {
  return pick(r, ['Agreed on two portfolio improvements and a reading list.', 'Practised behavioural questions; follow up in two weeks.', 'Reviewed the project structure, suggested adding tests.', 'Discussed offers and how to compare them.']);
}

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

export function jobDescription(r: Rng, p: { company: string; industry: string; title: string; skills: string[]; location: string; remote: string; years: number }): string {
  const where = p.remote === 'remote' ? 'fully remote' : p.remote === 'hybrid' ? `hybrid from our ${p.location} office` : `on site in ${p.location}`;
  return `${p.company} is hiring a ${p.title} to work ${where}. You will join a product team building ${INDUSTRY_PRODUCT[p.industry] ?? 'software'} and work daily with ${list(p.skills)}. Requirements: ${p.years ? `${p.years}+ years of professional experience` : 'a first project or internship'} with ${p.skills[0]}, ${pick(r, ['good written English', 'comfort with code reviews', 'an interest in testing'])}. ${pick(r, ['We offer a learning budget and flexible hours.', 'The interview process has three steps and takes about two weeks.', 'Salary depends on experience; the range is listed below.', 'Relocation support is available.'])}`;
}

export const CONTACT_TITLES = ['Engineering Manager', 'Head of Talent', 'Technical Recruiter', 'CTO', 'Talent Acquisition Partner', 'VP of Engineering', 'HR Business Partner', 'Team Lead'] as const;

// ---------------------------------------------------------------------------------------------
// Notifications and the rest
// ---------------------------------------------------------------------------------------------

const NOTIFICATION_TEXT: Readonly<Record<string, readonly [string, string]>> = {
  course_update: ['A course you follow was updated', 'New lessons and exercises were added to one of your courses.'],
  job_match: ['New jobs match your profile', 'We found openings that fit your skills. Have a look before they close.'],
  application_update: ['Your application changed status', 'There is news about one of your applications.'],
  webinar_reminder: ['Webinar starting soon', 'A webinar you registered for starts soon. The link is in your calendar.'],
  payment_confirmation: ['Payment received', 'Thank you, your payment was processed. The receipt is in your account.'],
  mentor_session: ['Mentor session update', 'One of your mentor sessions was booked, moved or completed.'],
  referral_update: ['Referral update', 'A company you were referred to has responded.'],
  system_announcement: ['Platform announcement', 'We are rolling out improvements to search and recommendations this week.'],
};

export function notificationText(type: string): readonly [string, string] {
  return NOTIFICATION_TEXT[type];
}

export function webinarDescription(r: Rng, skill: string, host: string): string {
  return `A live session on ${skill} with ${host}. ${pick(r, ['Bring your questions: the last twenty minutes are Q&A.', 'We will build a small example from scratch.', 'The recording is shared with registered participants.'])}`;
}

export function materialDescription(r: Rng, skill: string): string {
  return pick(r, [`Printable ${skill} cheat sheet with the commands used in the course.`, `Exercise workbook for the ${skill} modules, with solutions.`, `Slides from the ${skill} lessons.`, `Checklist for reviewing a ${skill} project.`]);
}

export function portfolioTitle(r: Rng, skill: string): string {
  return pick(r, [`${skill} expense tracker`, `${skill} weather dashboard`, `Recipe finder built with ${skill}`, `${skill} CLI for task lists`, `Open data explorer (${skill})`, `${skill} booking app`]);
}
export function portfolioDescription(r: Rng, skill: string): string {
  return pick(r, [`A side project to practise ${skill}; includes tests and a short write-up.`, `Built during the course capstone, then extended with authentication.`, `Small but complete: CI, deployment and documentation.`]);
}

export function packageDescription(name: string, days: number, referrals: number, sessions: number): string {
  return `${name}: ${days} days of placement support with ${referrals} company referrals and ${sessions} mentor session${sessions === 1 ? '' : 's'}.`;
}

export const ADMIN_DEPARTMENTS: Readonly<Record<string, string>> = {
  super_admin: 'Platform Operations',
  content_manager: 'Learning Content',
  recruitment_manager: 'Recruitment',
  finance_manager: 'Finance',
  support_admin: 'Customer Support',
};

export const CATEGORY_CHILDREN: Readonly<Record<string, readonly string[]>> = {
  frontend: ['Frameworks', 'Styling', 'Web Performance', 'Accessibility', 'Frontend Testing', 'Build Tools'],
  backend: ['APIs', 'Databases', 'Distributed Systems', 'Backend Testing', 'Messaging', 'Security'],
  data: ['Analytics', 'Machine Learning', 'Data Engineering', 'Visualisation', 'Statistics', 'MLOps'],
  devops: ['Cloud', 'Containers', 'Infrastructure as Code', 'Monitoring', 'CI/CD', 'Networking'],
  mobile: ['iOS', 'Android', 'Cross-platform', 'Mobile UX', 'App Publishing', 'Mobile Testing'],
  design: ['UX Research', 'Visual Design', 'Prototyping', 'Design Systems', 'Interaction', 'Writing for UI'],
};
